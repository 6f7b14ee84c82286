"""A second load brings the database in step with edited seed files, and says what it did."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from duty_desk.models.appraisal import deductions
from duty_desk.models.appraisal import facts
from duty_desk.models.organisation import positions
from duty_desk.models.appraisal.tables import Adjustment
from duty_desk.models.accounts.audit import AuditEvent
from duty_desk.models.organisation.org import Department, Person, Position, PositionItem, Rule
from duty_desk.models.appraisal.scoresheets import open_period, sheet_id_for
from duty_desk.models.accounts.session import SYSTEM, sign_in
from duty_desk.seed import loader

ACCOUNTANT = "001-timber-yard-accountant"
ABSENT_RULE = '''  [[positions.rules]]
  fact = "值班期间脱岗一次"
  kind = "deduction"
  points = 2
  unit = "次"
  code = "absent_from_post"
  basis = "occurrence"
  line = 823

'''


def copy_data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for path in loader.DATA_DIR.glob("*.toml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def edit(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def lines(key: str, kind: str = "duty") -> list[str]:
    return [i.text for i in PositionItem.select().join(Position)
            .where(Position.key == key, PositionItem.kind == kind, PositionItem.retired.is_null())
            .order_by(PositionItem.seq)]


def matches_files(folder: Path) -> None:
    """Every position in force holds exactly the files' lines and rules, in their order."""
    data = loader.read(folder)
    in_force = {p.key for p in Position.select().where(Position.retired.is_null())}
    assert in_force == set(data.positions)
    for key, spec in data.positions.items():
        position = Position.get(Position.key == key)
        assert (position.title_zh, position.department.key) == (spec["zh"], spec["department"])
        for list_name, kind in loader.ITEM_KINDS.items():
            assert lines(key, kind) == spec.get(list_name, []), (key, kind)
        rules = [(r.fact, r.points) for r in Rule.select().where(Rule.position == position, Rule.retired.is_null())
                 .order_by(Rule.seq)]
        assert rules == [(r["fact"], r["points"]) for r in spec.get("rules", [])], key
    for key, spec in data.departments.items():
        dept = Department.get(Department.key == key)
        assert (dept.name_zh, dept.name_en) == (spec["zh"], spec["en"])


@pytest.fixture
def sheet_with_absence(empty_db):
    """The seed loaded, one timber-yard accountant with a sheet that used the absence rule."""
    loader.load()
    sign_in(SYSTEM)
    position = Position.get(Position.key == ACCOUNTANT)
    person = Person.create(name="试用会计", position=position, role="officer")
    absent = Rule.get(Rule.position == position, Rule.code == "absent_from_post")
    open_period("2026-Q4", scope="all")
    sheet = sheet_id_for("2026-Q4", person.id)
    facts.record(person.id, "absent_from_post", dt.datetime(2026, 11, 3, 10), "manual", detail="一")
    assert deductions.propose_for_sheet(sheet) == 1
    yield person, sheet, absent.id
    sign_in(None)


def test_a_reload_applies_every_edit_and_reports_it(sheet_with_absence, tmp_path):
    person, sheet, absent_id = sheet_with_absence
    folder = copy_data(tmp_path)
    # A duty's text corrected; a duty inserted in the middle; a key renamed; a rule deleted;
    # a department (declared by one file only) renamed.
    edit(folder, "001b.toml", "负责单位内务管理工作。", "负责木料场内务管理工作。")
    edit(folder, "001b.toml", '  "负责白天的值班巡逻及发料工作,并认真填写记录。",\n',
         '  "负责白天的值班巡逻及发料工作,并认真填写记录。",\n  "负责夜间值班时的消防巡查。",\n')
    edit(folder, "001b.toml", f'key = "{ACCOUNTANT}"\n', f'key = "001-timber-accountant"\nrenamed_from = "{ACCOUNTANT}"\n')
    edit(folder, "001b.toml", ABSENT_RULE, "")
    edit(folder, "001b.toml", 'zh = "电商部"', 'zh = "电子商务部"')
    before = Position.get(Position.key == ACCOUNTANT).id

    preview = loader.load(folder, dry_run=True)
    assert Position.get_or_none(Position.key == ACCOUNTANT) is not None  # nothing written
    report = loader.load(folder)
    assert [str(c) for c in preview.changes] == [str(c) for c in report.changes]

    changes = {(c.action, c.what) for c in report.changes}
    new = "001-timber-accountant"
    assert ("renamed", f"position {new}") in changes
    assert ("changed", f"{new} duty 5") in changes  # the edited duty, changed in place
    assert ("added", f"{new} duty 7") in changes  # the inserted one, in its place
    assert ("retired", f"{new} rule 6") in changes
    assert ("changed", "department ecommerce") in changes
    assert report.count("changed") == 2 and report.count("added") == 1 and report.count("retired") == 1
    assert report.kept > 900  # every other row, as it was
    matches_files(folder)

    # The person moved with the renamed position; no second one was made.
    position = Position.get(Position.key == new)
    assert position.id == before and Person.get_by_id(person.id).position_id == position.id
    assert Position.select().where(Position.title_zh == "木料场会计").count() == 1
    # The past sheet still shows the deleted rule; it proposes nothing new.
    adjustment = Adjustment.get(Adjustment.sheet == sheet)
    assert adjustment.rule_id == absent_id and adjustment.fact == "值班期间脱岗一次"
    assert Rule.get_by_id(absent_id).retired is not None
    facts.record(person.id, "absent_from_post", dt.datetime(2026, 11, 10, 10), "manual", detail="二")
    sign_in(SYSTEM)
    assert deductions.propose_for_sheet(sheet) == 0
    assert all(r.fact != "值班期间脱岗一次" for r in positions.position_detail(position.id).rules)
    # One seed event in the audit trail, listing the changes.
    event = AuditEvent.select().where(AuditEvent.action == "bulk").order_by(AuditEvent.id.desc()).get()
    after = json.loads(event.after)
    assert after["what"] == "seed" and after["renamed"] == 1 and after["retired"] == 1
    assert any("值班期间脱岗一次" in line for line in after["changes"])

    # Again: nothing left to do.
    assert loader.load(folder).nothing


def test_a_rule_back_in_the_files_is_in_force_again(sheet_with_absence, tmp_path):
    _person, _sheet, absent_id = sheet_with_absence
    folder = copy_data(tmp_path)
    edit(folder, "001b.toml", ABSENT_RULE, "")
    loader.load(folder)
    report = loader.load()  # the files as they were
    assert Rule.get_by_id(absent_id).retired is None
    assert ("added", f"{ACCOUNTANT} rule 6") in {(c.action, c.what) for c in report.changes}
    matches_files(loader.DATA_DIR)


def test_a_dropped_position_is_retired_with_its_rules(empty_db, tmp_path):
    loader.load()
    folder = copy_data(tmp_path)
    text = (folder / "002.toml").read_text(encoding="utf-8")
    start = text.index('[[positions]]\nkey = "002-duty-officer"')
    (folder / "002.toml").write_text(text[:start], encoding="utf-8")
    report = loader.load(folder)
    assert ("retired", "position 002-duty-officer") in {(c.action, c.what) for c in report.changes}
    assert "002-duty-officer" not in {r.key for r in positions.list_positions()}
    matches_files(folder)


def test_a_local_change_survives_and_is_a_conflict(empty_db, tmp_path):
    loader.load()
    sign_in(SYSTEM)
    meeting = Rule.select().join(Position).where(Position.key == "001-warehouse-director",
                                                 Rule.fact.contains("少开一次调度会")).get()
    positions.set_rule_points(meeting.id, 4)  # the administrator's own value
    director = Position.get(Position.key == "001-warehouse-director")
    positions.set_position_title(director.id, "仓库总管")
    sign_in(None)

    assert loader.load().nothing  # the files did not change: the local values simply stand
    assert Rule.get_by_id(meeting.id).points == 4

    folder = copy_data(tmp_path)
    rule_text = (folder / "001b.toml").read_text(encoding="utf-8")
    block = re.search(r'fact = "正常出勤时,少开一次调度会"\n  kind = "deduction"\n  points = 1\n', rule_text)
    assert block, "the meeting rule as the test expects it"
    edit(folder, "001b.toml", block.group(0), block.group(0).replace("points = 1", "points = 2"))
    edit(folder, "001b.toml", 'zh = "仓库主任"', 'zh = "仓库主任(场长)"')

    report = loader.load(folder)
    conflicts = {c.what: c.detail for c in report.conflicts()}
    assert "kept 4" in conflicts["001-warehouse-director rule 1"] and "say 2" in conflicts["001-warehouse-director rule 1"]
    assert "仓库总管" in conflicts["position 001-warehouse-director"]
    assert "仓库主任(场长)" in conflicts["position 001-warehouse-director"]
    assert Rule.get_by_id(meeting.id).points == 4 and Position.get_by_id(director.id).title_zh == "仓库总管"
    assert len(loader.load(folder).conflicts()) == 2  # reported until it is settled

    taken = loader.load(folder, take_files=True)
    assert not taken.conflicts() and taken.count("changed") == 2
    assert Rule.get_by_id(meeting.id).points == 2 and Position.get_by_id(director.id).title_zh == "仓库主任(场长)"
    matches_files(folder)


def test_a_rule_an_administrator_added_is_left_alone(empty_db):
    loader.load()
    sign_in(SYSTEM)
    officer = Position.get(Position.key == "002-duty-officer")
    rule_id = deductions.add_rule(officer.id, "未办理交接班", "deduction", 2, code="missing_handover")
    sign_in(None)
    assert loader.load().nothing
    assert Rule.get_by_id(rule_id).retired is None


def test_dry_run_writes_nothing(empty_db):
    report = loader.load(dry_run=True)
    assert report.positions == 55 and report.dry_run
    assert Position.select().count() == 0 and Department.select().count() == 0
