"""One way for every benchmark to report a figure: printed beside its floor and target, and,
when ``DUTY_BENCH_OUT`` names a file, appended to it as one JSON line.

``tests/bench/readme_table.py`` runs the benchmarks with that file set and writes the
README's speed table from it, with the date and the machine: no figure is typed by hand.
"""

from __future__ import annotations

import json
import os


def record(bench: str, name: str, value: float, floor: float | None, target: str, unit: str = "ms",
           ok: bool | None = None) -> None:
    """*value* and *floor* in *unit* (ms, s or MB); *target* as the README writes it."""
    ratio = f"{value / floor:5.2f}×" if floor else "     "
    verdict = "" if ok is None else ("ok" if ok else "OVER")
    floor_text = f"{floor:10.1f} {unit}" if floor is not None else " " * 13
    print(f"{name:<46} {value:10.1f} {unit}   floor {floor_text}  {ratio}   target {target:<10} {verdict}",
          flush=True)
    out = os.environ.get("DUTY_BENCH_OUT")
    if out:
        with open(out, "a", encoding="utf-8") as stream:
            stream.write(json.dumps({"bench": bench, "name": name, "value": value, "floor": floor,
                                     "unit": unit, "target": target, "ok": ok}, ensure_ascii=False) + "\n")
