"""Exports: a period's results as CSV or XLSX, a person's form as printable text or HTML.

The XLSX file is written by XlsxWriter (write-only, no dependencies of its own); stored
text is only ever written as a string cell, so it is never a formula. Headings are msgids
passed through the caller's ``t`` (the interface's translator), so models stay free of
interface code.

Exports are a supervisor's or an administrator's (``scores.export``); anyone may print
their own form. Each function here checks, whoever calls it.
"""

from __future__ import annotations

import html
import io
import unicodedata
from typing import Callable

import xlsxwriter

from duty_desk.models import clock
from duty_desk.models.appraisal.tables import STATE_NAMES
from duty_desk.models.errors import N_
from duty_desk.models.appraisal.access import FULL, NOT_YOURS, require_export
from duty_desk.models.safe_text import csv_text, printable
from duty_desk.models.appraisal.review import PeriodResults, SheetDetail, period_results
from duty_desk.models.appraisal.scoring import round1
from duty_desk.models.accounts.session import PermissionDenied

Translate = Callable[[str], str]


def _same(msgid: str) -> str:
    return msgid


def _num(value) -> str:
    return "" if value is None else f"{value:g}"


RESULT_COLUMNS = (N_("Rank"), N_("Name"), N_("Department"), N_("Position"), N_("State"), N_("Rated"),
                  N_("Deductions"), N_("Bonuses"), N_("Score"), N_("Band"))


def result_rows(results: PeriodResults, t: Translate = _same, zh: bool = False) -> list[list]:
    """The period's table as rows of plain values, the heading first."""
    require_export()
    rows: list[list] = [[t(c) for c in RESULT_COLUMNS]]
    for r in results.rows:
        rows.append([r.rank if r.rank is not None else "", r.name,
                     (r.department_zh or r.department_en) if zh else (r.department_en or r.department_zh),
                     (r.position_zh or r.position_en) if zh else (r.position_en or r.position_zh),
                     t(STATE_NAMES.get(r.state, r.state)), round1(r.rated), r.deductions, r.bonuses,
                     r.score if r.score is not None else "",
                     (r.band_zh or r.band_en) if zh else (r.band_en or r.band_zh)])
    return rows


def results_csv(period_key: str, t: Translate = _same, zh: bool = False) -> str:
    require_export()
    return csv_text(result_rows(period_results(period_key), t, zh))


# ---- XLSX -----------------------------------------------------------------------------------

_SHEET_NAME_FORBIDDEN = set('[]:*?/\\')


def _sheet_name(name: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\, no apostrophe at an end."""
    kept = "".join(ch for ch in printable(name) if ch not in _SHEET_NAME_FORBIDDEN)[:31].strip("'")
    return kept or "Sheet1"


def xlsx_bytes(rows: list[list], sheet_name: str = "Sheet1") -> bytes:
    """A one-sheet workbook: numbers as numbers, everything else as string cells.

    Text goes through ``write_string`` only, never ``write``: a string cell is never a formula,
    so a stored name that starts with ``=`` stays the name it is.
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                            "strings_to_formulas": False, "strings_to_urls": False})
    workbook.set_properties({"created": clock.now_utc()})  # the one clock, not the library's own
    sheet = workbook.add_worksheet(_sheet_name(sheet_name))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, bool) or value is None or value == "":
                continue
            if isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            else:  # XML 1.0 allows no control characters: shown as symbols, as everywhere else
                sheet.write_string(r, c, printable(str(value), multiline=True))
    workbook.close()
    return buffer.getvalue()


def results_xlsx(period_key: str, t: Translate = _same, zh: bool = False) -> bytes:
    require_export()
    results = period_results(period_key)
    return xlsx_bytes(result_rows(results, t, zh), results.period.key)


# ---- the printable form ----------------------------------------------------------------------

FORM_HEADINGS = (N_("Appraisal item"), N_("Criterion"), N_("Measure"), N_("Item score"), N_("Total score"))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for ch in text:
        if _width(line + ch) > width:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line] if line or not lines else lines


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _form_parts(d: SheetDetail, t: Translate, zh: bool):
    require_export(d.person_id)
    if d.access != FULL:  # a peer's view of a colleague's sheet is no form to print
        raise PermissionDenied(NOT_YOURS)
    def pick(a, b):
        return (a or b) if zh else (b or a)

    header = [(t(N_("Name")), d.name), (t(N_("Position")), pick(d.position_zh, d.position_en)),
              (t(N_("Department")), pick(d.department_zh, d.department_en)), (t(N_("Period")), d.period_key),
              (t(N_("State")), t(STATE_NAMES.get(d.state, d.state)))]
    rows = []
    last_group = None
    for item in d.items:
        group = pick(item.group_zh, item.group_en)
        rows.append((group if group != last_group else "", pick(item.name_zh, item.name_en), item.measure,
                     "" if item.parts.score is None else f"{item.parts.score:.1f}", item.max_points))
        last_group = group
    band = pick(*d.total.band) if d.total.band and d.total.criteria_rated else ""
    return header, rows, band


def form_text(d: SheetDetail, t: Translate = _same, zh: bool = False) -> str:
    """The 10-item sheet as monospaced text: 考核项目, 考核要素, 衡量标准, 单项得分, 合计得分, band."""
    header, rows, band = _form_parts(d, t, zh)
    widths = [14, 14, 30, 11, 11]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [t(N_("Appraisal form")), "  ".join(f"{k}: {v}" for k, v in header), rule,
           "| " + " | ".join(_pad(h, w) for h, w in zip((t(h) for h in FORM_HEADINGS), widths)) + " |", rule]
    total_text = f"{d.total.rated:.1f}" if d.total.criteria_rated else ""
    for n, (group, name, measure, score, max_points) in enumerate(rows):
        cells = [_wrap(group, widths[0]), _wrap(name, widths[1]), _wrap(measure, widths[2]),
                 [f"{score}/{max_points:g}" if score else f"  /{max_points:g}"], [total_text if n == 0 else ""]]
        height = max(len(c) for c in cells)
        for line in range(height):
            out.append("| " + " | ".join(_pad(c[line] if line < len(c) else "", w) for c, w in zip(cells, widths))
                       + " |")
        out.append(rule)
    for a in d.adjustments:
        if a.status == "confirmed":
            sign = "-" if a.kind == "deduction" else "+"
            out.append(f"{t(N_('Deduction')) if a.kind == 'deduction' else t(N_('Bonus'))}: {a.fact} × {a.count:g} "
                       f"{sign}{a.points * a.count:g}")
    out.append(f"{t(N_('Deductions'))}: -{d.total.deductions:g}   {t(N_('Bonuses'))}: +{d.total.bonuses:g}")
    out.append(f"{t(N_('Score'))}: {d.total.score:.1f}   {t(N_('Band'))}: {band}" if d.total.criteria_rated
               else f"{t(N_('Score'))}: —")
    out.append("")
    out.append(f"{t(N_('Signature of the person appraised'))}: ____________    "
               f"{t(N_('Signature of the supervisor'))}: ____________")
    return printable("\n".join(out) + "\n", multiline=True)


def form_html(d: SheetDetail, t: Translate = _same, zh: bool = False) -> str:
    """The same form as a printable HTML page (one table, the total spanning every item)."""
    header, rows, band = _form_parts(d, t, zh)
    e = html.escape
    total_text = f"{d.total.rated:.1f}" if d.total.criteria_rated else ""
    body = []
    for n, (group, name, measure, score, max_points) in enumerate(rows):
        if group:
            span = 1
            for later in rows[n + 1:]:
                if later[0]:
                    break
                span += 1
        cells = (f'<td rowspan="{span}">{e(group)}</td>' if group else "")
        cells += f"<td>{e(name)}</td><td>{e(measure)}</td><td class=num>{e(score)} / {max_points:g}</td>"
        if n == 0:
            cells += f'<td class=num rowspan="{len(rows)}">{e(total_text)}</td>'
        body.append(f"<tr>{cells}</tr>")
    adjustments = "".join(
        f"<li>{e(t(N_('Deduction')) if a.kind == 'deduction' else t(N_('Bonus')))}: {e(a.fact)} × {a.count:g} "
        f"{'-' if a.kind == 'deduction' else '+'}{a.points * a.count:g}</li>"
        for a in d.adjustments if a.status == "confirmed")
    score = f"{d.total.score:.1f}" if d.total.criteria_rated else "—"
    return printable(f"""<!doctype html>
<html lang="{'zh-CN' if zh else 'en'}"><head><meta charset="utf-8">
<title>{e(t(N_('Appraisal form')))} {e(d.name)} {e(d.period_key)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #000; padding: 4px 6px; vertical-align: middle; }}
td.num {{ text-align: center; white-space: nowrap; }}
@media print {{ body {{ margin: 0; }} }}
</style></head><body>
<h1>{e(t(N_('Appraisal form')))}</h1>
<p>{' &nbsp; '.join(f'{e(k)}: <b>{e(v)}</b>' for k, v in header)}</p>
<table>
<thead><tr>{''.join(f'<th>{e(t(h))}</th>' for h in FORM_HEADINGS)}</tr></thead>
<tbody>
{chr(10).join(body)}
</tbody></table>
<ul>{adjustments}</ul>
<p>{e(t(N_('Deductions')))}: -{d.total.deductions:g} &nbsp; {e(t(N_('Bonuses')))}: +{d.total.bonuses:g}</p>
<p class=result>{e(t(N_('Score')))}: <b>{score}</b> &nbsp; {e(t(N_('Band')))}: <b>{e(band)}</b></p>
<p>{e(t(N_('Signature of the person appraised')))}: ____________ &nbsp;
{e(t(N_('Signature of the supervisor')))}: ____________</p>
</body></html>
""", multiline=True)
