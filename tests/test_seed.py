"""The seed positions: every document's positions, their rules and points, loaded once."""

from pathlib import Path

import pytest

from duty_desk.models.organisation.org import Band, Criterion, Department, Position, PositionItem, PositionScheme, Rule, Scheme
from duty_desk.models.logbook.patrols import PatrolRule
from duty_desk.seed import loader

# Written from the documents (see seed/data/*.toml comments for the reading).
INVENTORY = {
    "000": 20,  # four parts: 4 + 6 + 5 + 5 positions
    "001": 27,  # IT, office, marketing, e-commerce, sales, production, management, warehouse
    "002": 2,   # 值班長, 值班員
    "003": 6,   # 主任, 副主任, 秘書, 行政人員, 專業人員, 檔案管理員
}
WAREHOUSE = ["仓库主任", "仓库副主任", "仓库内业员", "木料场会计", "仓库技术员", "井上库管员"]
REAL_NAMES = ["谢康廷", "郑同防", "许晓明", "郑同山", "颜洋洋", "周彩红", "张继平", "焦大林", "李宁", "高杰"]


def counts() -> dict[str, int]:
    return {doc: Position.select().where(Position.source_doc == doc).count() for doc in INVENTORY}


def rule(title: str, fact_part: str) -> Rule:
    return (Rule.select().join(Position)
            .where(Position.title_zh == title, Rule.fact.contains(fact_part)).get())


def test_positions_per_document(seeded_db):
    assert counts() == INVENTORY


def test_rules_carry_their_points(seeded_db):
    absent = rule("木料场会计", "值班期间脱岗一次")
    assert (absent.kind, absent.points, absent.code) == ("deduction", 2, "absent_from_post")
    patrol = rule("木料场会计", "未按规定进行巡逻")
    assert (patrol.points, patrol.code) == (1, "missed_patrol")
    smoking = rule("木料场会计", "吸烟")
    assert (smoking.points, smoking.fine) == (2, 50)
    stocktake = rule("仓库主任", "每月少一次盘点")  # a shortfall now: it names its rule, not a code
    assert (stocktake.points, stocktake.code, stocktake.basis) == (3, None, "shortfall")
    meeting = rule("仓库主任", "少开一次调度会")
    assert meeting.points == 1
    bonus = Rule.select().join(Position).where(Position.title_zh == "生产部经理", Rule.kind == "bonus").get()
    assert bonus.points == 1 and "0.1%" in bonus.fact


def test_every_warehouse_position_and_the_duty_office(seeded_db):
    titles = {p.title_zh for p in Position.select()}
    assert set(WAREHOUSE) <= titles
    assert {"值班長", "值班員"} <= titles


def test_the_ten_item_sheet(seeded_db):
    sheet = Scheme.get(Scheme.key == "sheet-10x10")
    criteria = list(Criterion.select().where(Criterion.scheme == sheet).order_by(Criterion.seq))
    assert len(criteria) == 10 and sum(c.max_points for c in criteria) == 100
    assert [c.name_zh for c in criteria][:3] == ["工作任务", "工作质量", "工作效率"]
    bands = {b.name_zh: b.min_score for b in Band.select().where(Band.scheme == sheet)}
    assert bands == {"优秀": 90, "良好": 80, "中等": 70, "合格": 60, "差": 0}


def test_no_real_names_are_loaded(seeded_db):
    texts = [p.title_zh + p.source_section for p in Position.select()]
    texts += [i.text for i in PositionItem.select()] + [r.fact for r in Rule.select()]
    for name in REAL_NAMES:
        assert not any(name in t for t in texts), name
    for path in loader.DATA_DIR.parent.rglob("*"):  # every file of seed/: data, code, notes
        if path.is_file() and path.suffix in (".toml", ".py", ".md"):
            text = path.read_text(encoding="utf-8")
            assert not any(name in text for name in REAL_NAMES), path.name


def snapshot():
    tables = (Department, Scheme, Criterion, Band, Position, PositionItem, Rule, PositionScheme, PatrolRule)
    return {t.__name__: sorted(tuple(r.values()) for r in t.select().dicts()) for t in tables}


def test_seeding_twice_changes_nothing(empty_db):
    first = loader.load()
    assert first.positions == sum(INVENTORY.values())
    before = snapshot()
    second = loader.load()
    assert second.nothing
    assert snapshot() == before


def test_a_second_run_adds_only_what_is_missing(empty_db):
    loader.load()
    victim = Position.get(Position.title_zh == "木料场会计")
    Rule.delete().where(Rule.position == victim, Rule.seq == 6).execute()
    before = snapshot()
    report = loader.load()
    assert (report.positions, report.rules, report.items) == (0, 1, 0)
    after = snapshot()
    assert len(after["Rule"]) == len(before["Rule"]) + 1
    assert rule("木料场会计", "值班期间脱岗一次").points == 2


def broken_copy(tmp_path: Path, old: str, new: str, file: str = "001b.toml") -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for path in loader.DATA_DIR.glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        if path.name == file:
            assert old in text
            text = text.replace(old, new, 1)
        (folder / path.name).write_text(text, encoding="utf-8")
    return folder


def test_a_seed_mistake_names_file_and_entry_and_loads_nothing(empty_db, tmp_path):
    folder = broken_copy(tmp_path, "points = 3", "points = -3")
    with pytest.raises(loader.SeedError) as caught:
        loader.load(folder)
    assert "001b.toml" in str(caught.value) and "001-warehouse-director rule" in str(caught.value)
    assert Position.select().count() == 0 and Department.select().count() == 0


def test_broken_toml_is_named(empty_db, tmp_path):
    folder = broken_copy(tmp_path, '[document]', '[document', file="002.toml")
    with pytest.raises(loader.SeedError, match="002.toml"):
        loader.load(folder)
    assert Position.select().count() == 0
