"""Every point rule of the documents says how it applies, where it stands, and each position
its appraisal cycle; a database loaded before these keys is brought up to date."""

import difflib
import json
from collections import Counter
from pathlib import Path

import pytest

from duty_desk.models.storage import db as dbmod
from duty_desk.models.organisation.org import BASES, EVERY, Criterion, Position, PositionScheme, Rule, Scheme
from duty_desk.models.logbook.patrols import PatrolRule, set_rule
from duty_desk.models.accounts.session import SYSTEM, sign_in
from duty_desk.seed import loader
from tests.seed.test_resync import copy_data, edit

CLEAN = Path(loader.__file__).resolve().parents[2] / "shared" / "seeds" / "clean"
DEPUTY = "001-warehouse-deputy-director"
ACCOUNTANT = "001-timber-yard-accountant"


def document_rules() -> list[Rule]:
    return list(Rule.select(Rule, Position).join(Position)
                .where(Rule.seeded.is_null(False), Rule.retired.is_null()).order_by(Position.key, Rule.seq))


def parts(text: str | None) -> list[str]:
    return text.split(",") if text else []


def test_every_rule_has_a_basis_and_what_its_basis_needs(seeded_db):
    rules = document_rules()
    assert len(rules) == 50 and Counter(r.basis for r in rules).keys() <= set(BASES)
    for r in rules:
        name = f"{r.position.key} {r.fact}"
        assert r.line and r.line > 0, name
        every, due = parts(r.every), parts(r.due)
        assert all(e in EVERY for e in every), name
        assert len(every) in (0, 1, len(parts(r.activity))), name
        if r.basis == "shortfall":
            assert r.activity and every and r.times >= 1 and not due, name
        elif r.basis == "late":
            # counted from the desk's entries with a due time, or recorded with its days
            assert (r.activity and every and len(due) in (1, len(every))) or not (r.activity or every or due), name
        elif r.basis == "graded":
            grades = [float(g) for g in parts(r.grades)]
            assert len(grades) >= 2 and r.points in grades, name
        elif r.basis == "measured":
            assert r.step and r.step > 0 and r.target is not None and r.local, name
        else:
            assert not (r.activity or every or due or r.grades or r.step), name
        if r.basis != "graded":
            assert r.grades is None, name
    assert {r.basis for r in rules} == set(BASES)


def test_codes_are_unique_per_position_in_force(seeded_db):
    codes = Counter((r.position_id, r.code) for r in Rule.select().where(Rule.retired.is_null(),
                                                                         Rule.code.is_null(False)))
    assert codes and max(codes.values()) == 1
    assert not Rule.select().where(Rule.code.in_(["missed_stocktake", "missed_meeting"])).exists()


def test_the_deputy_directors_two_stocktake_rules(seeded_db):
    deputy = Position.get(Position.key == DEPUTY)
    rules = {r.fact: r for r in Rule.select().where(Rule.position == deputy, Rule.activity.contains("stocktake"))}
    year, month = rules["少一次年盘点"], rules["少一次月盘点"]
    assert (year.basis, year.activity, year.every, year.times, year.points) == \
        ("shortfall", "stocktake_full", "year", 2, 3)
    assert (month.basis, month.activity, month.every, month.times, month.points) == \
        ("shortfall", "stocktake,stocktake_full", "month", 1, 1)
    assert year.code is None and month.code is None and year.id != month.id


def test_the_kinds_the_documents_give(seeded_db):
    def rule(key, fact):
        return Rule.select().join(Position).where(Position.key == key, Rule.fact == fact).get()

    plans = rule("001-production-manager", "年度、月度工作计划每迟交1天")
    assert (plans.basis, plans.unit, plans.activity, plans.every, plans.due, plans.local) == \
        ("late", "天", "plan_yearly,plan_monthly", "year,month", "+14d 24:00,+1wd 24:00", None)
    graded = rule("001-production-manager", "每有一项应安排工作没有安排视重要程度分五档(2、4、6、8、10)扣分")
    assert (graded.basis, graded.grades) == ("graded", "2,4,6,8,10")
    over = rule("001-production-manager", "产品质量全月统计每超过0.1%")
    under = rule("001-production-manager", "产品质量全月统计降低0.1%")
    assert (over.basis, over.kind, under.basis, under.kind) == ("measured", "deduction", "measured", "bonus")
    assert (over.step, over.target) == (under.step, under.target) == (0.1, 2.0) and "target" in over.local
    mine = rule("001-warehouse-director", "按公司规定少下一次井")
    assert (mine.activity, mine.every) == ("mine_visit", "week") and "按公司规定" in mine.local
    absent = rule(ACCOUNTANT, "值班期间脱岗一次")
    assert (absent.basis, absent.code) == ("occurrence", "absent_from_post")
    smoking = rule(ACCOUNTANT, "在木料场内吸烟")
    assert (smoking.basis, smoking.points, smoking.fine) == ("occurrence", 2, 50)


def test_the_timber_yard_patrol_is_required_every_hour(seeded_db):
    patrol = Rule.select().join(Position).where(Position.key == ACCOUNTANT, Rule.code == "missed_patrol").get()
    assert (patrol.basis, patrol.activity, patrol.every, patrol.times) == ("shortfall", "patrol", "hour", 1)
    assert json.loads(patrol.seeded)["post"] == "木料场"  # no column: the files' value, as seeded
    post = PatrolRule.get(PatrolRule.post == "木料场")
    assert (post.every_minutes, post.active) == (60, True)


@pytest.mark.skipif(not CLEAN.is_dir(), reason="the documents (shared/seeds/clean) are not beside the repo")
def test_each_rule_stands_at_its_line():
    data = loader.read()
    files = {d["code"]: d["file"] for d in data.documents}
    checked = 0
    for key, position in data.positions.items():
        lines = (CLEAN / files[position["_doc"]]).read_text(encoding="utf-8").splitlines()
        for rule in position.get("rules", []):
            fact, text = rule["fact"], lines[rule["line"] - 1]
            # the line holds the fact, or (where the file adds context to it) a good part of it
            shared = difflib.SequenceMatcher(None, fact, text).find_longest_match(0, len(fact), 0, len(text)).size
            assert shared >= min(len(fact), 5), (key, fact, rule["line"], text)
            checked += 1
    assert checked == 50


def test_each_position_has_the_cycles_its_document_gives(seeded_db):
    def schemes(key):
        position = Position.get(Position.key == key)
        linked = Scheme.select().join(PositionScheme).where(PositionScheme.position == position)
        return position.scheme.key, {s.key: s for s in linked}

    for key in ("002-shift-lead", "002-duty-officer"):
        default, linked = schemes(key)
        assert default == "002-monthly-self" and set(linked) == {default, "002-quarterly-supervisor"}
        monthly, quarterly = linked[default], linked["002-quarterly-supervisor"]
        assert (monthly.period, monthly.raters, monthly.feeds) == ("month", "self", quarterly.key)
        assert (quarterly.period, quarterly.raters, quarterly.feeds) == ("quarter", "supervisor", None)
        assert (monthly.weight_self, quarterly.weight_supervisor) == (100, 100)
        assert Criterion.select().where(Criterion.scheme == monthly).count() == 10  # the 10-item sheet's

    default, linked = schemes("001-it-dba")
    assert default == "001-it-quarterly-full" and linked["001-it-monthly-brief"].feeds == default
    brief = Criterion.select().where(Criterion.scheme == linked["001-it-monthly-brief"]).order_by(Criterion.seq)
    assert [c.name_zh for c in brief] == ["工作质量", "工作效率"]

    default, linked = schemes("001-sales-manager")
    assert {s.period for s in linked.values()} == {"quarter", "half", "year"}
    half = Criterion.select().where(Criterion.scheme == linked["001-sales-manager-half"])
    assert {c.name_zh for c in half} == {"内部协调能力", "创新能力", "汇报能力"}
    assert sum(c.max_points for c in half) == 100

    # where a document gives no other, the 10-item sheet stays
    survey = Position.get(Position.key == "001-survey-assistant")
    assert [link.scheme.key for link in survey.schemes] == ["sheet-10x10"]
    assert Scheme.get(Scheme.key == "sheet-10x10").raters == "self,supervisor,peer"


def _as_the_previous_seed_left_it() -> None:
    """Undo what this version of the files adds, as a load before the rule keys left the database."""
    run = dbmod.db.execute_sql
    old_codes = {"每月少一次盘点": "missed_stocktake", "少一次年盘点": "missed_stocktake",
                 "少一次月盘点": "missed_stocktake", "正常出勤时,少开一次调度会": "missed_meeting"}
    for rule in Rule.select():
        seeded = json.loads(rule.seeded)
        old = {k: seeded[k] for k in ("fact", "kind", "points", "unit", "cap", "fine", "code")}
        old["code"] = old_codes.get(rule.fact, old["code"])
        run("UPDATE rule SET basis = 'occurrence', activity = NULL, every = NULL, times = 1, grades = NULL, "
            "step = NULL, target = NULL, due = NULL, line = NULL, local = NULL, code = ?, seeded = ? WHERE id = ?",
            (old["code"], loader._dump(old), rule.id))
    new = [s.id for s in Scheme.select().where(Scheme.key != "sheet-10x10")]
    run(f"DELETE FROM position_scheme WHERE scheme_id IN ({','.join('?' * len(new))})", new)
    run(f"UPDATE position SET scheme_id = NULL WHERE scheme_id IN ({','.join('?' * len(new))})", new)
    for table in ("criterion", "band"):
        run(f"DELETE FROM {table} WHERE scheme_id IN ({','.join('?' * len(new))})", new)
    run(f"DELETE FROM scheme WHERE id IN ({','.join('?' * len(new))})", new)
    sheet = Scheme.get(Scheme.key == "sheet-10x10")
    seeded = {k: v for k, v in json.loads(sheet.seeded).items() if k not in ("raters", "feeds")}
    run("UPDATE scheme SET seeded = ? WHERE id = ?", (loader._dump(seeded), sheet.id))
    for position in Position.select():
        seeded = json.loads(position.seeded)
        seeded.pop("schemes")
        seeded["scheme"] = "sheet-10x10" if position.scheme_id else None
        run("UPDATE position SET seeded = ? WHERE id = ?", (loader._dump(seeded), position.id))
    run("DELETE FROM patrol_rule")


def test_a_database_of_the_previous_seed_is_brought_up_to_date(seeded_db):
    before = {(r.position.key, r.fact): r for r in document_rules()}
    _as_the_previous_seed_left_it()
    assert Rule.select().where(Rule.code == "missed_stocktake").count() == 3

    report = loader.load()
    assert not report.conflicts()
    changes = {(c.action, c.what, c.detail) for c in report.changes}
    assert ("added", "patrol 木料场", "every 60 min") in changes
    assert ("added", "scheme 002-monthly-self", "") in changes
    after = {(r.position.key, r.fact): r for r in document_rules()}
    assert set(after) == set(before)
    for name, rule in after.items():  # the same rows, now as the files give them
        was = before[name]
        assert rule.id == was.id
        assert {f: getattr(rule, f) for f in loader._Sync.RULE_FIELDS} == \
            {f: getattr(was, f) for f in loader._Sync.RULE_FIELDS}, name
        assert json.loads(rule.seeded) == json.loads(was.seeded), name
    officer = Position.get(Position.key == "002-duty-officer")
    assert {link.scheme.key for link in officer.schemes} == {"002-quarterly-supervisor", "002-monthly-self"}
    assert officer.scheme.key == "002-monthly-self"
    assert loader.load().nothing


def test_an_interval_set_here_stays_and_a_change_in_the_files_is_a_conflict(seeded_db, tmp_path):
    sign_in(SYSTEM)
    set_rule("木料场", 45)  # the administrator's own interval
    sign_in(None)
    assert loader.load().nothing
    assert PatrolRule.get(PatrolRule.post == "木料场").every_minutes == 45

    folder = copy_data(tmp_path)
    edit(folder, "001b.toml", '  every = "hour"\n  times = 1\n', '  every = "hour"\n  times = 2\n')
    report = loader.load(folder)
    assert [(c.what, c.detail) for c in report.conflicts()] == \
        [("patrol 木料场", "every: kept 45 (changed here); the files say 30")]
    assert PatrolRule.get(PatrolRule.post == "木料场").every_minutes == 45
    assert len(loader.load(folder).conflicts()) == 1  # until it is settled
    loader.load(folder, take_files=True)
    assert PatrolRule.get(PatrolRule.post == "木料场").every_minutes == 30
    assert loader.load(folder).nothing


def test_a_patrol_required_before_the_files_did_is_adopted_as_it_is(empty_db):
    sign_in(SYSTEM)
    set_rule("木料场", 30)
    sign_in(None)
    report = loader.load()
    assert not report.conflicts() and PatrolRule.get(PatrolRule.post == "木料场").every_minutes == 30
    assert loader.load().nothing


def test_a_position_moved_to_other_schemes(seeded_db, tmp_path):
    folder = copy_data(tmp_path)
    edit(folder, "001b.toml",
         'schemes = ["001-sales-manager-quarter", "001-sales-manager-half", "001-sales-manager-year"]\n',
         'schemes = ["001-sales-manager-year", "001-sales-manager-quarter"]\n')
    report = loader.load(folder)
    assert ("changed", "position 001-sales-manager") in {(c.action, c.what) for c in report.changes}
    sales = Position.get(Position.key == "001-sales-manager")
    assert sales.scheme.key == "001-sales-manager-year"
    assert {link.scheme.key for link in sales.schemes} == {"001-sales-manager-year", "001-sales-manager-quarter"}
    assert loader.load(folder).nothing
