"""Exports: CSV and XLSX of a period (also by `duty export scores`), the printable form; the demo."""

import csv
import io
import zipfile
import xml.etree.ElementTree as ET

from models.score_export import form_html, form_text, results_csv, results_xlsx
from models.scoresheets import approve, submit_review, submit_self
from models.session import SYSTEM, acting_as

from .conftest import detail_for, rate_all

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def approved_sheet(office, sheet_id):
    rate_all(sheet_id, office.officer, 10)
    with acting_as(office.officer):
        submit_self(sheet_id)
    rate_all(sheet_id, office.supervisor, [9, 9, 9, 8, 8, 8, 8, 9, 9, 9])
    with acting_as(office.supervisor):
        submit_review(sheet_id)
        approve(sheet_id)


def test_csv_and_xlsx_hold_the_same_rows(office, september):
    approved_sheet(office, september)
    with acting_as(office.supervisor):
        rows = list(csv.reader(io.StringIO(results_csv("2026-09"))))
        data = results_xlsx("2026-09")
    assert rows[0] == ["Rank", "Name", "Department", "Position", "State", "Rated", "Deductions", "Bonuses",
                       "Score", "Band"]
    mine = next(r for r in rows if r[1] == office.officer.name)
    # 10 × 25 % + (9×6 + 8×4) × 75 % / … = 25 + 64.5 = 89.5
    assert mine[0] == "1" and mine[4] == "approved" and mine[8] == "89.5" and mine[9] == "Good"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= set(z.namelist())
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
        assert ET.fromstring(z.read("xl/workbook.xml")).find(".//m:sheet", NS).get("name") == "2026-09"
    cells = []
    for row in sheet.findall(".//m:row", NS):
        values = {}
        for c in row.findall("m:c", NS):
            text = c.find(".//m:t", NS)
            values[c.get("r").rstrip("0123456789")] = text.text if text is not None else float(c.find("m:v", NS).text)
        cells.append(values)
    assert len(cells) == len(rows)
    row = next(v for v in cells if v.get("B") == office.officer.name)
    assert row["I"] == 89.5 and row["J"] == "Good" and row["A"] == 1


def test_the_printable_form_in_the_sheets_layout(office, september):
    approved_sheet(office, september)
    detail = detail_for(office.officer, september)  # the person prints their own form
    zh = {"Appraisal item": "考核项目", "Criterion": "考核要素", "Measure": "衡量标准", "Item score": "单项得分",
          "Total score": "合计得分"}
    with acting_as(office.officer):
        text = form_text(detail, lambda m: zh.get(m, m), zh=True)
    for heading in zh.values():
        assert heading in text
    assert "工作成效" in text and "与预定工作要求相比" in text and "89.5" in text and "良好" in text
    with acting_as(office.officer):
        page = form_html(detail, lambda m: zh.get(m, m), zh=True)
    assert page.count("<tr>") == 11 and 'rowspan="10"' in page and 'rowspan="3"' in page
    assert "<b>89.5</b>" in page and "<b>良好</b>" in page


def test_export_from_the_command_line(office, september, seeded_db, tmp_path, capsys, monkeypatch):
    from tui.cli import main

    monkeypatch.setenv("DUTY_DEV", "1")  # --as without a PIN: proof is tested in tests/accounts/test_cli_proof.py
    who = ["--as", office.supervisor.name]
    approved_sheet(office, september)
    assert main(["--db", str(seeded_db), "--lang", "en", "export", "scores", *who, "--period", "2026-9",
                 "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Rank,Name") and office.officer.name in out
    target = tmp_path / "q.xlsx"
    assert main(["--db", str(seeded_db), "--lang", "en", "export", "scores", *who, "--period", "2026-09",
                 "--format", "xlsx", "-o", str(target)]) == 0
    assert zipfile.is_zipfile(target)
    assert main(["--db", str(seeded_db), "--lang", "en", "export", "scores", *who, "--period", "2027-Q1"]) == 1
    assert "2027-Q1 has not been opened" in capsys.readouterr().err
    assert main(["--db", str(seeded_db), "--lang", "en", "export", "form", *who, "--period", "2026-09",
                 "--person", office.officer.name, "--format", "html"]) == 0
    assert "<table>" in capsys.readouterr().out


def test_the_demo_opens_the_last_quarter_in_every_state(demo_db):
    from models.appraisal import STATES, Adjustment, Scoresheet
    from models.org import Rule
    from models.score_review import default_period, period_results

    import datetime as dt
    period = default_period(dt.date(2026, 11, 20))
    assert period.key == "2026-Q3"
    with acting_as(SYSTEM):
        results = period_results(period.key)
        q2 = period_results("2026-Q2").rows
    assert {r.state for r in results.rows} == set(STATES)
    statuses = {a.status for a in Adjustment.select().join(Scoresheet).where(Scoresheet.period == period.id)}
    assert statuses == {"proposed", "confirmed", "rejected"}
    assert Rule.select().where(Rule.fact.startswith("【演示】")).count() >= 8
    # the past quarter gives a trend; locked sheets hold no open proposals
    assert all(r.open_proposals == 0 for r in results.rows if r.state in ("approved", "acknowledged"))
    assert sum(1 for r in q2 if r.state == "acknowledged") == len(results.rows)
