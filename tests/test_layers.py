"""models/ and seed/ stand without the interface: importing them never loads Textual."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_models_and_seed_import_without_textual():
    code = (
        "import pkgutil, importlib, sys\n"
        "import models, seed\n"
        "for pkg in (models, seed):\n"
        "    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if '.migrations.' in info.name: continue\n"
        "        importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui', 'screens'))\n"
        "print(len([m for m in sys.modules if m.startswith(('models', 'seed'))]), bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    loaded = int(result.stdout.split()[0])
    assert loaded > 8  # the walk really imported the packages
