"""``duty seed``: what a load changed, --dry-run, --take-files, --summary, and a bad file."""

from duty_desk.models.storage import db as dbmod
from duty_desk.models.organisation.org import Position
from duty_desk.models.storage.schema import open_database
from duty_desk.models.accounts.session import SYSTEM, sign_in
from duty_desk.models.organisation import positions
from duty_desk.seed import loader
from tests.seed.test_resync import copy_data, edit
from duty_desk.tui.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    dbmod.close()
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    return code, out.out, out.err


def test_a_reload_lists_changes_and_conflicts(tmp_path, capsys, monkeypatch):
    db = tmp_path / "d.db"
    code, out, _ = run(capsys, "--db", str(db), "seed")
    assert code == 0 and "55 positions" in out and "changed" not in out
    open_database(db)
    sign_in(SYSTEM)
    director = Position.get(Position.key == "001-warehouse-director")
    positions.set_position_title(director.id, "仓库总管")
    sign_in(None)
    dbmod.close()

    folder = copy_data(tmp_path)
    edit(folder, "001b.toml", 'zh = "仓库主任"', 'zh = "仓库主任(场长)"')
    edit(folder, "001b.toml", "负责单位内务管理工作。", "负责木料场内务管理工作。")
    monkeypatch.setattr(loader, "DATA_DIR", folder)

    code, out, _ = run(capsys, "--db", str(db), "seed", "--dry-run")
    assert code == 0 and "Dry run" in out and "1 changed" in out and "1 conflict(s)" in out
    assert "! conflict position 001-warehouse-director: zh: kept 仓库总管" in out
    code, out, _ = run(capsys, "--db", str(db), "seed")
    assert "~ changed 001-timber-yard-accountant duty 5" in out and "--take-files" in out
    code, out, _ = run(capsys, "--db", str(db), "seed", "--take-files")
    assert code == 0 and "0 conflict(s)" in out and "仓库主任(场长)" in out
    open_database(db)
    assert Position.get_by_id(director.id).title_zh == "仓库主任(场长)"
    dbmod.close()


def test_summary_counts_per_document(tmp_path, capsys):
    db = tmp_path / "s.db"
    run(capsys, "--db", str(db), "seed")
    code, out, _ = run(capsys, "--db", str(db), "seed", "--summary")
    assert code == 0 and "Document 001 (001a.toml, 001b.toml):" in out
    assert "positions 27 (27)" in out and "rules 50 (50)" in out and "left out:" in out


def test_a_bad_file_is_one_sentence_and_touches_nothing(tmp_path, capsys, monkeypatch):
    folder = copy_data(tmp_path)
    edit(folder, "002.toml", 'key = "002-shift-lead"', 'key = "002-shift-lead"\nhours = 24')
    monkeypatch.setattr(loader, "DATA_DIR", folder)
    db = tmp_path / "b.db"
    code, out, err = run(capsys, "--db", str(db), "seed")
    assert code == 1 and not out and len(err.strip().splitlines()) == 1
    assert "002.toml, line" in err and "hours" in err and not db.exists()
