"""Exports: CSV and XLSX of a period (also by `duty export scores`), the printable form; the demo."""

import csv
import io
import zipfile

import openpyxl

from duty_desk.models.organisation.org import Person
from duty_desk.models.safe_text import csv_cell
from duty_desk.models.appraisal.export import form_html, form_text, results_csv, results_xlsx, xlsx_bytes
from duty_desk.models.appraisal.scoresheets import approve, submit_review, submit_self
from duty_desk.models.accounts.session import SYSTEM, acting_as

from .conftest import detail_for, rate_all

def approved_sheet(office, sheet_id):
    rate_all(sheet_id, office.officer, 10)
    with acting_as(office.officer):
        submit_self(sheet_id)
    rate_all(sheet_id, office.supervisor, [9, 9, 9, 8, 8, 8, 8, 9, 9, 9])
    with acting_as(office.supervisor):
        submit_review(sheet_id)
        approve(sheet_id)


def xlsx_rows(data: bytes, sheet: str | None = None) -> list[list]:
    """The workbook's one sheet as openpyxl reads it: a row a list, empty cells as None."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert len(book.sheetnames) == 1
    if sheet is not None:
        assert book.sheetnames == [sheet]
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def same_cell(xlsx_value, csv_value: str) -> bool:
    """A cell of the workbook and of the CSV hold the same value (the CSV neutralises formulas)."""
    if xlsx_value is None:
        return csv_value == ""
    if isinstance(xlsx_value, (int, float)) and not isinstance(xlsx_value, bool):
        return float(csv_value) == xlsx_value
    return csv_cell(xlsx_value) == csv_value


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
    cells = xlsx_rows(data, sheet="2026-09")
    assert len(cells) == len(rows)
    for got, want in zip(cells, rows):
        got = got + [None] * (len(want) - len(got))
        assert len(got) == len(want) and all(same_cell(g, w) for g, w in zip(got, want)), (got, want)
    row = next(v for v in cells if v[1] == office.officer.name)
    assert row[8] == 89.5 and row[9] == "Good" and row[0] == 1


def test_a_name_that_looks_like_a_formula_stays_text(office, september):
    approved_sheet(office, september)
    name = '=HYPERLINK("http://x","y")'
    with acting_as(SYSTEM):
        Person.update(name=name).where(Person.id == office.officer.id).execute()
    with acting_as(office.supervisor):
        data = results_xlsx("2026-09")
        text = results_csv("2026-09")
    assert "'" + name in {r[1] for r in csv.reader(io.StringIO(text))}  # the CSV neutralises it
    book = openpyxl.load_workbook(io.BytesIO(data))
    cell = next(row[1] for row in book.active.iter_rows() if row[1].value == name)
    assert cell.data_type == "s"  # a string cell, never a formula ("f")
    assert not any(c.data_type == "f" for row in book.active.iter_rows() for c in row)


def test_xlsx_cells_keep_their_kind():
    data = xlsx_bytes([["a", "=1+1", "+1", "-2", "@SUM(A1)", 3, -1.5, "", None, True, "x\x1by"]], "a/b:c'")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["abc"]  # characters a sheet name may not hold are left out
    cells = [c for row in book.active.iter_rows() for c in row]
    kinds = {c.column_letter: (c.value, c.data_type) for c in cells if c.value is not None}
    assert kinds["A"] == ("a", "s") and kinds["B"] == ("=1+1", "s") and kinds["C"] == ("+1", "s")
    assert kinds["D"] == ("-2", "s") and kinds["E"] == ("@SUM(A1)", "s")
    assert kinds["F"] == (3, "n") and kinds["G"] == (-1.5, "n")
    assert kinds["K"] == ("x␛y", "s")  # no control character in the file
    assert not {"H", "I", "J"} & set(kinds)


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
    from duty_desk.tui.cli import main

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
    assert xlsx_rows(target.read_bytes(), sheet="2026-09")[0][:2] == ["Rank", "Name"]
    assert main(["--db", str(seeded_db), "--lang", "en", "export", "scores", *who, "--period", "2027-Q1"]) == 1
    assert "2027-Q1 has not been opened" in capsys.readouterr().err
    assert main(["--db", str(seeded_db), "--lang", "en", "export", "form", *who, "--period", "2026-09",
                 "--person", office.officer.name, "--format", "html"]) == 0
    assert "<table>" in capsys.readouterr().out


def test_the_demo_opens_the_last_quarter_in_every_state(demo_db):
    from duty_desk.models.appraisal.tables import STATES, Adjustment, Scoresheet
    from duty_desk.models.organisation.org import Rule
    from duty_desk.models.appraisal.review import default_period, period_results

    import datetime as dt
    period = default_period(dt.date(2026, 11, 20))
    assert period.key == "2026-Q3"
    with acting_as(SYSTEM):
        results = period_results(period.key)
        q2 = period_results("2026-Q2").rows
    assert {r.state for r in results.rows} == set(STATES)
    statuses = {a.status for a in Adjustment.select().join(Scoresheet).where(Scoresheet.period == period.id)}
    assert statuses == {"proposed", "confirmed", "rejected"}
    # the demo's deductions come from the documents' rules, none invented (issue 11, 6.)
    assert not Rule.select().where(Rule.fact.startswith("【演示】")).exists()
    assert Adjustment.select().join(Rule).where(Rule.seeded.is_null(False)).exists()
    # the past quarter gives a trend; locked sheets hold no open proposals
    assert all(r.open_proposals == 0 for r in results.rows if r.state in ("approved", "acknowledged"))
    assert sum(1 for r in q2 if r.state == "acknowledged") == len(results.rows)
