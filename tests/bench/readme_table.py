"""Run every benchmark and write the README's speed table from what they measured.

    python tests/bench/readme_table.py            # all benchmarks (several minutes)
    python tests/bench/readme_table.py --only bench_start bench_check

The table goes between ``<!-- speed:begin -->`` and ``<!-- speed:end -->`` in README.md,
headed by the date, the machine and the versions: a figure there always comes from a run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
BENCHES = ("bench_start", "bench_log", "bench_roster", "bench_scores", "bench_check")
BEGIN, END = "<!-- speed:begin -->", "<!-- speed:end -->"


def machine() -> str:
    import cysqlite
    import textual

    sqlite = cysqlite.Connection(":memory:").execute("SELECT sqlite_version()").fetchone()[0]
    return (f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
            f"Textual {textual.__version__}, SQLite {sqlite}")


def table(rows: list[dict]) -> str:
    lines = ["| benchmark | what | figure | floor | ratio | target |", "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        unit = r["unit"]
        floor = f"{r['floor']:.1f} {unit}" if r["floor"] else "—"
        ratio = f"{r['value'] / r['floor']:.2f}×" if r["floor"] else "—"
        mark = "" if r["ok"] is None else (" ✓" if r["ok"] else " ✗")
        lines.append(f"| `{r['bench']}` | {r['name'].strip()} | {r['value']:.1f} {unit}{mark} | {floor} | {ratio} "
                     f"| {r['target']} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="+", choices=BENCHES)
    args = parser.parse_args()
    benches = args.only or BENCHES
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "figures.jsonl"
        for bench in benches:
            print(f"== {bench}", flush=True)
            subprocess.run([sys.executable, str(ROOT / "tests" / "bench" / f"{bench}.py")], cwd=ROOT, check=True,
                           env={**os.environ, "DUTY_BENCH_OUT": str(out)})
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        print("README.md has no speed markers", file=sys.stderr)
        return 1
    head, rest = text.split(BEGIN, 1)
    old, tail = rest.split(END, 1)
    kept = [line for line in old.splitlines() if line.startswith("| `") and
            line.split("`")[1] not in benches]  # a partial run keeps the other benchmarks' rows
    lines = table(rows).splitlines()
    lines[2:2] = kept
    from duty_desk.models import clock

    body = (f"\nMeasured {clock.today():%Y-%m-%d} on {machine()} (`python tests/bench/readme_table.py"
            f"{' --only ' + ' '.join(benches) if args.only else ''}`):\n\n" + "\n".join(lines) + "\n")
    readme.write_text(head + BEGIN + body + END + tail, encoding="utf-8")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
