"""``duty roster export`` and ``duty roster now`` from the command line."""

import csv
import io

from duty_desk.models.roster import duties as roster
from duty_desk.tui.cli import main

from ..helpers import demo_admin


def test_export_csv_for_one_person(demo_db, capsys, tmp_path):
    someone = roster.duties_between(roster.parse_day("2026-11-16"), roster.parse_day("2026-11-22"))[0]
    code = main(["--db", str(demo_db), "--lang", "en", "roster", "export", *demo_admin(tmp_path), "--person", someone.person_name,
                 "--from", "2026-11-16", "--to", "2026-11-22"])
    out = capsys.readouterr().out
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][0] == "date" and len(rows) > 1
    assert {r[6] for r in rows[1:]} == {someone.person_name}


def test_export_ics_to_a_file(demo_db, tmp_path, capsys):
    target = tmp_path / "all.ics"
    code = main(["--db", str(demo_db), "--lang", "en", "roster", "export", *demo_admin(tmp_path), "--format", "ics",
                 "--from", "2026-11-16", "--to", "2026-11-16", "-o", str(target)])
    assert code == 0
    data = target.read_bytes().decode()
    assert data.startswith("BEGIN:VCALENDAR\r\n") and data.endswith("END:VCALENDAR\r\n")
    count = len(roster.duties_between(roster.parse_day("2026-11-16"), roster.parse_day("2026-11-16")))
    assert data.count("BEGIN:VEVENT") == count
    assert f"{count} duties written" in capsys.readouterr().err


def test_bad_input_is_one_sentence(demo_db, capsys, tmp_path):
    assert main(["--db", str(demo_db), "--lang", "en", "roster", "export", *demo_admin(tmp_path), "--from", "2026-11-22",
                 "--to", "2026-11-01"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "The range ends before it starts: 2026-11-22 to 2026-11-01."
    assert main(["--db", str(demo_db), "--lang", "en", "roster", "export", *demo_admin(tmp_path), "--person", "无此人"]) == 1
    assert "Traceback" not in capsys.readouterr().err
