"""``duty log add`` and ``duty handover export`` as a script would use them."""

from __future__ import annotations

import io

import pytest

from duty_desk.models.logbook import handover
from duty_desk.models.logbook import query as log_query
from duty_desk.models.accounts.session import acting_as
from duty_desk.tui.cli import main


@pytest.fixture(autouse=True)
def development_mode(monkeypatch):
    """These tests are about the log, not proof of identity (tests/accounts/test_cli_proof.py):
    ``--as`` goes without a PIN in development mode."""
    monkeypatch.setenv("DUTY_DEV", "1")


def test_log_add_one_entry(office, capsys):
    assert main(["--db", str(office.path), "log", "add", "--as", "王晓东", "p:", "@东门", "巡逻正常"]) == 0
    entry_id = int(capsys.readouterr().out.strip())
    row = log_query.row(entry_id)
    assert row.author == "王晓东" and row.category == "patrol" and row.text == "巡逻正常"


def test_log_add_from_stdin_prints_each_id_after_commit(office, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("e: @仓库 smoke alarm\n\n25:99 bad time\nv: visitor\n"))
    code = main(["--db", str(office.path), "log", "add", "--as", "Li Na", "-"])
    out, err = capsys.readouterr()
    ids = [int(x) for x in out.split()]
    assert code == 1  # one line failed
    assert "line 3" in err and "25:99" in err and "Traceback" not in err
    assert [log_query.row(i).text for i in ids] == ["smoke alarm", "visitor"]


def test_log_add_as_an_unknown_person_is_one_sentence(office, capsys):
    assert main(["--db", str(office.path), "log", "add", "--as", "Nobody", "hello"]) == 1
    err = capsys.readouterr().err
    assert "Nobody" in err and "Traceback" not in err


def test_handover_export(office, capsys, tmp_path):
    with acting_as(office.lead):
        handover.close_shift("quiet night")
    target = tmp_path / "h.md"
    assert main(["--db", str(office.path), "handover", "export", "--as", office.lead.name, "--format", "markdown",
                 "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("# Handover report")
    assert main(["--db", str(office.path), "handover", "export", "--as", office.officer.name]) == 0
    out = capsys.readouterr().out
    assert "quiet night" in out and "Handed over by: 陈海燕" in out
