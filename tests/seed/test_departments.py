"""What a document gives a department itself is the department's; what no document states is marked."""

import pytest

from duty_desk.models.storage import db as dbmod
from duty_desk.models.storage import schema
from duty_desk.models.accounts.audit import missing
from duty_desk.models.storage.db import connect
from duty_desk.models.organisation.org import Department, DepartmentItem, Person, Position
from duty_desk.models.organisation.positions import list_positions
from duty_desk.seed import loader
from tests.seed.test_resync import copy_data, edit


def own(key: str, kind: str = "duty") -> list[str]:
    return [i.text for i in DepartmentItem.select().join(Department)
            .where(Department.key == key, DepartmentItem.kind == kind, DepartmentItem.retired.is_null())
            .order_by(DepartmentItem.key, DepartmentItem.seq)]


def test_department_duties_are_the_departments(seeded_db):
    assert len(own("001-office")) == 17 and own("001-office")[-1] == "完成公司领导交办的其他工作。"
    assert len(own("accounting-centre")) == 2  # the source breaks off after item 2
    assert len(own("ecommerce")) == 10
    assert own("001-marketing") == ["市场调研", "制定市场推广计划", "开展市场推广活动"]
    assert own("001-marketing", "appraisal")[0] == "市场调研的准确性"
    # No stand-in positions for departments any more.
    assert not Position.select().where(Position.title_zh.contains("（部门）")).exists()
    assert not Position.select().where(Position.key.endswith("-dept")).exists()


def test_every_readable_sentence_of_002_and_chapters_7_8_of_003(seeded_db):
    office = own("duty-office", "standard")
    assert any(t.startswith("本制度旨在") for t in office) and "員工建議渠道需暢通,每月匿名問卷收集" in office
    assert "考核結果需與員工績效直接掛鉤,為晉升、獎金等提供依據。" in own("duty-office", "appraisal")
    handbook = own("office", "standard")
    assert any(t.startswith("業務需求分析") for t in handbook)  # 第七章
    assert any(t.startswith("年度調查") for t in handbook)  # 第八章
    assert "各部門應嚴格按照預算執行,保證資金使用的合規性和有效性。" in handbook


def test_what_no_document_states_is_a_local_choice(seeded_db):
    marked = {p.key for p in Position.select().where(Position.local_note.is_null(False))}
    assert {"001-dept-head", "001-survey-assistant", "003-director", "003-secretary"} <= marked
    assert "003-archivist" not in marked and "001-warehouse-director" not in marked
    assert Department.get(Department.key == "duty-office").local_note
    row = next(r for r in list_positions() if r.key == "001-dept-head")
    assert "本地设定" in row.local_note and row.department_note


def test_a_reload_retires_stand_ins_and_edits_department_lines(empty_db, tmp_path):
    loader.load()
    # A database loaded by the previous version: a stand-in position with a person on it.
    office = Department.get(Department.key == "001-marketing")
    stand_in = Position.create(key="001-marketing-dept", title_zh="市场部（部门）", department=office,
                               source_doc="001", seeded='{"zh": "市场部（部门）"}')
    Person.create(name="试用员", position=stand_in)
    folder = copy_data(tmp_path)
    edit(folder, "001b.toml", '  "负责信访接待、协调处理工作。",\n', "")
    report = loader.load(folder)
    assert Position.get(Position.key == "001-marketing-dept").retired is not None
    assert Person.get(Person.name == "试用员").position_id == stand_in.id  # its people keep it
    assert len(own("001-office")) == 16
    assert any(c.action == "retired" and "001-office-dept duty 8" in c.what for c in report.changes)
    assert loader.load(folder).nothing


def test_local_choice_needs_a_note(empty_db, tmp_path):
    folder = copy_data(tmp_path)
    edit(folder, "003.toml", 'note = "手冊未寫各章由誰負責：第九章 內外部協調與溝通的規定歸於主任', 'xnote = "')
    with pytest.raises(loader.SeedError, match="003.toml"):
        loader.load(folder)
    assert Position.select().count() == 0


def test_a_department_passage_for_an_unknown_department_is_refused(empty_db, tmp_path):
    folder = copy_data(tmp_path)
    edit(folder, "001b.toml", 'department = "accounting-centre"', 'department = "nowhere"')
    with pytest.raises(loader.SeedError, match=r"001b.toml, line \d+.*nowhere"):
        loader.load(folder)


def test_migration_0010_keeps_an_older_database(tmp_path):
    path = tmp_path / "old.db"
    connect(path)
    schema.upgrade(target="0009_seed_sync")
    run = dbmod.db.execute_sql
    run("INSERT INTO department (key, name_zh, name_en, sort) VALUES ('001-marketing', '市场部', 'Marketing', 0)")
    run("INSERT INTO position (key, title_zh, title_en, department_id, source_doc, source_section, seeded) "
        "VALUES ('001-marketing-dept', '市场部（部门）', '', 1, '001', '一', '{}')")
    run("INSERT INTO person (name, position_id, role, active, created) VALUES ('试用员', 1, 'officer', 1, '2026-01-01 08:00:00')")
    dbmod.close()
    connect(path)
    assert "0010_department_duties" in schema.upgrade()
    assert Position.get(Position.key == "001-marketing-dept").local_note is None
    assert Person.get(Person.name == "试用员").position.key == "001-marketing-dept"
    assert missing(dbmod.db) == []
    loader.load()
    assert own("001-marketing")[0] == "市场调研"
    assert Position.get(Position.key == "001-marketing-dept").retired is not None
    dbmod.close()


async def test_the_positions_screen_marks_a_local_choice(seeded_db, make_app):
    from tests.helpers import screen_text, settle

    app = make_app(lang="zh_CN")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press(*"部门负责人")
        await pilot.pause()
        assert "（本地设定）" in screen_text(app)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "本地设定：原文未写岗位名称" in screen_text(app)
