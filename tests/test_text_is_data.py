"""Stored text is data, everywhere: never markup on a screen, never an escape sequence on a
terminal, never a formula in a spreadsheet.

What people type (a name, a log entry, a post, a follow-up, a handover note, a note on a
deduction) is planted with Rich/Textual markup, terminal escape bytes or a leading ``=``,
then read back through the screens and the commands that show it.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from duty_desk.models import clock
from duty_desk.models.appraisal import deductions
from duty_desk.models.logbook import followups
from duty_desk.models.logbook import handover
from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.roster import duties as roster
from duty_desk.models.storage import db as dbmod
from duty_desk.models.appraisal.tables import LOCKED, Adjustment, Scoresheet
from duty_desk.models.organisation.org import Person
from duty_desk.models.roster.duties import Post
from duty_desk.models.safe_text import csv_cell, csv_text, printable
from duty_desk.models.appraisal.export import results_csv
from duty_desk.models.appraisal.review import sheet_detail
from duty_desk.models.accounts.session import SYSTEM, Actor, acting_as
from tests.helpers import demo_admin, screen_text, settle, wait_until
from duty_desk.tui.cli import main
from duty_desk.tui.linetable import LineTable

ROOT = Path(__file__).resolve().parent.parent
SIZE = (160, 50)

CLICK, STYLED, LABEL = "[@click=app.quit]", "[bold red]x[/]", "[其他]"
LINE = f"{CLICK} {STYLED} {LABEL}"
ESCAPES = "\x1b]0;pwned\x07 \x1b[2J \x9b"
CONTROL = ("\x1b", "\x07", "\x9b")
FORMULAS = ("=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR")


def _rename(person_id: int, name: str) -> None:
    """Straight into the table, as an old row or another program could have left it."""
    with acting_as(SYSTEM):
        Person.update(name=name).where(Person.id == person_id).execute()


def _rename_post(post_id: int, name: str) -> None:
    with acting_as(SYSTEM):
        Post.update(name_zh=name, name_en=name).where(Post.id == post_id).execute()


def _actor(person_id: int) -> Actor:
    person = Person.get_by_id(person_id)
    return Actor(person.id, person.name, person.role)


def _admin() -> Actor:
    admin = Person.select().where(Person.role == "admin").order_by(Person.id).first()
    return Actor(admin.id, admin.name, admin.role)


def _on_duty_now():
    duties = roster.on_duty(clock.now())
    lead = next(d for d in duties if d.role == "lead")
    officer = next(d for d in duties if d.role != "lead" and d.person_id != lead.person_id)
    return lead, officer


def _open_adjustment(admin: Actor) -> Adjustment:
    """A proposed deduction on an open sheet that is not the administrator's own."""
    return (Adjustment.select().join(Scoresheet)
            .where(Adjustment.status == "proposed", Scoresheet.state.not_in(LOCKED), Scoresheet.person != admin.id)
            .order_by(Adjustment.id).first())


# ---- screens -------------------------------------------------------------------------------

@pytest.fixture
def planted(demo_db):
    """Markup in every field a person fills: the shift lead on duty now (renamed) writes it in
    the log at a renamed post, opens a follow-up with it for a renamed officer and closes the
    shift with it as the note; a supervisor decides deductions with it."""
    lead, officer = _on_duty_now()
    _rename(officer.person_id, CLICK)
    _rename(lead.person_id, STYLED)
    _rename_post(lead.post_id, LABEL)
    actor = _actor(lead.person_id)
    with acting_as(actor):
        entry = log_entries.add_entry("other", LINE, post=LABEL)
        followups.open_followup(entry, officer.person_id, clock.now() + dt.timedelta(hours=4), LINE)
        handover.close_shift(f"{LABEL} note")  # the note becomes an entry of the shift too
    admin = _admin()
    adjustment = _open_adjustment(admin)
    with acting_as(admin):
        rule = sheet_detail(adjustment.sheet_id).rules[0]
        deductions.reject(adjustment.id, LINE)
        deductions.add_manual(adjustment.sheet_id, rule.id, 1, LINE)
    return {"lead": actor, "sheet": adjustment.sheet_id}


def _visible(text: str, *parts: str) -> None:
    missing = [p for p in parts if p not in text]
    assert not missing, f"not shown as written: {missing}\n{text}"


async def _click_on(app, pilot, needle: str) -> bool:
    """Click where *needle* is on the screen: a live ``@click`` would run right there."""
    for y, line in enumerate(screen_text(app).splitlines()):
        x = line.find(needle)
        if x >= 0:
            await pilot.click(offset=(cell_len(line[:x]) + 2, y))
            await settle(app, pilot)
            return True
    return False


def _running(app) -> None:
    assert app.is_running and app.return_code is None, "a stored @click action ran"


async def test_markup_in_stored_text_is_shown_as_written_by_the_shift_lead(planted, make_app):
    app = make_app(actor=planted["lead"], start="log")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)  # the log (F3): entry, post and author as written
        _visible(text, LINE, f"{LABEL} note", STYLED)
        assert await _click_on(app, pilot, CLICK)
        _running(app)

        await pilot.press("h")  # the handover draft, opened from the log as the shift lead
        await settle(app, pilot)
        text = screen_text(app)
        # The category label in brackets, the entry, the follow-up with its owner, the note,
        # and who handed over: none of it eaten as markup.
        _visible(text, f"[Other] {LABEL} {LINE} ({STYLED})", f"{LINE} — {CLICK}, due",
                 f"{LABEL} note", f"by {STYLED}")
        assert await _click_on(app, pilot, CLICK)
        _running(app)
        await pilot.press("escape")

        await pilot.press("f2")  # the roster: the post, the lead and the officer in the grid
        await settle(app, pilot)
        _visible(screen_text(app), f"{LABEL} (", f"★{STYLED}", CLICK)
        await pilot.press("ctrl+o")  # on duty now: a table of names and posts
        await settle(app, pilot)
        _visible(screen_text(app), STYLED, CLICK, LABEL)
        assert await _click_on(app, pilot, CLICK)
        _running(app)
        await pilot.press("escape")
        await pilot.press("f1")  # help: the keys [ and ] are brackets too
        await settle(app, pilot)
        assert re.search(r"\[ +Previous post", screen_text(app)) and re.search(r"\] +Next post", screen_text(app))
        await pilot.press("escape")
        await pilot.press("ctrl+p")  # the palette: names and help lines as plain text
        await wait_until(pilot, lambda: "Previous week" in screen_text(app))
        _visible(screen_text(app), "Previous week", "Take a duty off the shift under the cursor")
        await pilot.press(*"previous post")
        await wait_until(pilot, lambda: "Previous post" in screen_text(app))
        _visible(screen_text(app), "Previous post")
        _running(app)


async def test_markup_in_stored_text_is_shown_as_written_to_the_administrator(planted, make_app):
    app = make_app(actor=_admin(), start="log")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")  # staff
        await settle(app, pilot)
        _visible(screen_text(app), CLICK, STYLED)
        assert await _click_on(app, pilot, CLICK)  # a click on a row opens the person's form
        _visible(screen_text(app), f"Edit {CLICK}")
        _running(app)
        await pilot.press("escape")

        await pilot.press("f7")  # the audit trail: the renames, values before and after
        await settle(app, pilot)
        _visible(screen_text(app), f"→ {CLICK}", f"→ {STYLED}", f"→ {LABEL}")
        assert await _click_on(app, pilot, CLICK)  # opens the event: a table of values
        _visible(screen_text(app), CLICK)
        _running(app)
        await pilot.press("escape")

        await pilot.press("f4")  # score review, then the sheet with the notes on its deductions
        await settle(app, pilot)
        _visible(screen_text(app), "[@click=a")  # the name column is 10 cells wide
        table = app.screen.query_one(LineTable)
        table.move_cursor(table.index_of(planted["sheet"]))
        await pilot.press("enter")
        await settle(app, pilot)
        adjustments = app.screen.query_one("#sheet-adjustments", LineTable)
        adjustments.focus()
        adjustments.move_cursor(adjustments.row_count - 1)  # the one added by hand, with its note
        await pilot.press("enter")
        await settle(app, pilot)
        _visible(screen_text(app), f"added by hand: {CLICK} [bold", f"red]x[/] {LABEL}")  # a notification, wrapped
        assert await _click_on(app, pilot, CLICK)
        _running(app)


# ---- commands ------------------------------------------------------------------------------

def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _no_control(*outputs: str) -> None:
    for output in outputs:
        found = [repr(c) for c in CONTROL if c in output]
        assert not found, f"{found} reached the terminal:\n{output!r}"


@pytest.fixture
def escaped(demo_db):
    """Escape bytes in the names of the people on duty, their post and the handover report."""
    lead, officer = _on_duty_now()
    _rename(officer.person_id, f"Off{ESCAPES}icer")
    _rename(lead.person_id, f"Le{ESCAPES}ad")
    _rename_post(lead.post_id, f"Po{ESCAPES}st")
    with acting_as(_actor(lead.person_id)):
        log_entries.add_entry("other", "quiet")
        d = handover.draft(person_id=lead.person_id)
        # A report as an older version or another program may have stored it.
        handover.close_shift("note", report=handover.report_markdown(d, "note") + f"tampered {ESCAPES}\n")
    return demo_db


def test_escape_bytes_never_reach_the_terminal(escaped, capsys, tmp_path):
    db = ["--db", str(escaped), "--lang", "en"]
    admin = demo_admin(tmp_path)
    for fmt in ("text", "markdown"):
        code, out, err = _run(capsys, *db, "handover", "export", "--format", fmt, *admin)
        assert code == 0 and "tampered" in out and "Le" in out
        _no_control(out, err)
    code, out, err = _run(capsys, *db, "roster", "now", *admin)
    assert code == 0 and "Off" in out and "Po" in out
    _no_control(out, err)
    # One line a duty, four columns: a name cannot add a line or a column.
    assert all(line.count("\t") == 3 for line in out.splitlines())
    for fmt in ("csv", "ics"):
        code, out, err = _run(capsys, *db, "roster", "export", "--format", fmt, "--from", "2026-11-16",
                              "--to", "2026-11-22", *admin)
        assert code == 0 and "Le" in out
        _no_control(out, err)
    code, out, err = _run(capsys, *db, "export", "scores", "--period", "2026-Q3", "--format", "csv", *admin)
    assert code == 0 and "Le" in out
    _no_control(out, err)
    lead = Person.select().where(Person.name.contains("Le\x1b")).first()
    sheet = Scoresheet.select().where(Scoresheet.person == lead.id).first()
    for fmt in ("text", "html"):
        code, out, err = _run(capsys, *db, "export", "form", "--period", sheet.period.key, "--person", lead.name,
                              "--format", fmt, *admin)
        assert code == 0 and "Le" in out, err
        _no_control(out, err)
    # A sentence about a person names them without their escape bytes too.
    code, out, err = _run(capsys, *db, "roster", "export", "--person", "Nobody\x1b[2J", *admin)
    assert code == 1
    _no_control(out, err)
    dbmod.close()


def test_printable_shows_control_characters():
    assert printable("a\x1b]0;pwned\x07b") == "a␛]0;pwned␇b"
    assert printable("\x9b2J") == "\ufffd2J"
    assert printable("one\ntwo\tthree") == "one␊two␉three"
    assert printable("one\r\ntwo\tthree\rfour", multiline=True) == "one\ntwo\tthree␍four"
    assert printable("巡逻 [其他] ¥35 ✓") == "巡逻 [其他] ¥35 ✓"  # anything printable stays as it is


# ---- spreadsheets --------------------------------------------------------------------------

def _formula_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row
            if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


@pytest.fixture
def formulas(demo_db):
    """Names and a post that a spreadsheet would run as formulas."""
    duties = roster.duties_between(dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    people = list(dict.fromkeys(d.person_id for d in duties))[:len(FORMULAS)]
    for person_id, name in zip(people, FORMULAS):
        _rename(person_id, name)
    _rename_post(duties[0].post_id, "=1+1")
    return demo_db


def test_csv_cells_never_start_a_formula(formulas, capsys, tmp_path):
    db = ["--db", str(formulas), "--lang", "en"]
    admin = demo_admin(tmp_path)
    code, out, _err = _run(capsys, *db, "roster", "export", "--format", "csv", "--from", "2026-11-16",
                           "--to", "2026-11-22", *admin)
    assert code == 0
    assert not _formula_cells(out)
    people = {row[6] for row in csv.reader(io.StringIO(out, newline=""))}
    assert {"'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tTAB", "'␍CR"} <= people
    assert "'=1+1" in {row[4] for row in csv.reader(io.StringIO(out, newline=""))}

    with acting_as(SYSTEM):
        text = results_csv("2026-Q3")
    assert not _formula_cells(text)
    names = {row[1] for row in csv.reader(io.StringIO(text, newline=""))}
    assert "'+1+1" in names or "'=HYPERLINK(\"http://x\")" in names
    dbmod.close()


def test_numbers_stay_numbers_and_text_is_neutralised():
    assert csv_cell(-1.5) == -1.5 and csv_cell(-3) == -3
    assert csv_text([[-1.5, "-1.5", "=A1", "a-b", "", None]]) == "-1.5,'-1.5,'=A1,a-b,,\r\n"
    assert csv_text([["\tx", "\ry", "@z", "+1"]]) == "'\tx,'␍y,'@z,'+1\r\n"


def test_every_csv_goes_through_csv_text():
    """A new ``csv.writer`` elsewhere would skip the formula rule: only models/safe_text.py makes one."""
    helper = ROOT / "models" / "safe_text.py"
    offenders = []
    for package in ("models", "seed", "screens", "tui"):
        for path in (ROOT / package).rglob("*.py"):
            if path == helper:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter") \
                        and isinstance(node.value, ast.Name) and node.value.id == "csv":
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                if isinstance(node, ast.ImportFrom) and node.module == "csv" \
                        and any(a.name in ("writer", "DictWriter") for a in node.names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, "CSV written without models.safe_text.csv_text: " + ", ".join(offenders)
