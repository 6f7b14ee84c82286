"""models/ and seed/ stand without the interface: importing them never loads Textual."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_models_and_seed_import_without_textual():
    code = (
        "import pkgutil, importlib, sys\n"
        "import duty_desk.models as models, duty_desk.seed as seed\n"
        "for pkg in (models, seed):\n"
        "    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if '.migrations.' in info.name: continue\n"
        "        importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual'\n"
        "             or m.startswith(('duty_desk.tui', 'duty_desk.screens')))\n"
        "print(len([m for m in sys.modules if m.startswith(('duty_desk.models', 'duty_desk.seed'))]), bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    loaded = int(result.stdout.split()[0])
    assert loaded > 8  # the walk really imported the packages


def test_installed_under_one_name_of_ours(tmp_path):
    """Packages called models, tui, seed and screens elsewhere on the path do not clash with
    ours: installed, ours are duty_desk.models, duty_desk.tui … (pyproject's package-dir)."""
    import os

    for name in ("models", "tui", "seed", "screens"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("raise ImportError('a foreign package of this name')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "DUTY_DB": str(tmp_path / "duty.db")}
    code = ("import sys, duty_desk.tui.app, duty_desk.tui.cli, duty_desk.seed.demo\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('models', 'tui', 'seed', 'screens')))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stdout + result.stderr
    version = subprocess.run([sys.executable, "-m", "duty_desk.tui", "--version"], cwd=tmp_path, env=env,
                             capture_output=True, text=True)
    assert version.returncode == 0 and "Duty Desk" in version.stdout, version.stderr
