"""The demo on awkward days: every screen opens and the demo keeps its promises.

The demo is built from one ``today`` (as of its noon); the app then runs on the desk's clock
set to a moment of that day. The days are the ones where date arithmetic goes wrong: the
first and last day of a quarter, New Year's Day, 29 February, a Sunday night shift running
into a new month, and both days a daylight-saving zone changes its clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from duty_desk.models import clock
from duty_desk.models.storage import db as dbmod
from duty_desk.models.storage.schema import open_database
from duty_desk.models.accounts.session import SYSTEM, Actor, acting_as

from .helpers import screen_text, settle

# (demo day, the app's clock on that day, zone)
DAYS = {
    "first day of a quarter": (dt.date(2026, 10, 1), dt.time(12), "Asia/Shanghai"),
    "last day of a quarter": (dt.date(2027, 3, 31), dt.time(23, 30), "Asia/Shanghai"),
    "New Year's Day, just after midnight": (dt.date(2027, 1, 1), dt.time(0, 20), "Asia/Shanghai"),
    "29 February": (dt.date(2028, 2, 29), dt.time(12), "Asia/Shanghai"),
    "Sunday night into a new month": (dt.date(2027, 1, 31), dt.time(23, 45), "Asia/Shanghai"),
    "clocks go forward (Berlin)": (dt.date(2027, 3, 28), dt.time(3, 30), "Europe/Berlin"),
    "clocks go back (Berlin)": (dt.date(2026, 10, 25), dt.time(2, 30), "Europe/Berlin"),
}


def dump(path) -> str:
    """Every row of every table, in order: a fingerprint of the whole database."""
    digest = hashlib.sha256()
    tables = [name for (name,) in dbmod.db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    for table in tables:
        digest.update(table.encode())
        columns = "name" if table == "schema_migration" else "*"  # when the schema was made is not demo data
        for row in sorted(repr(row) for row in dbmod.db.execute_sql(f'SELECT {columns} FROM "{table}"')):
            digest.update(row.encode())
    return digest.hexdigest()


def build_demo(path, today: dt.date, seed: int = 7, people: int = 30, days: int = 28) -> str:
    from duty_desk.seed import demo

    open_database(path)
    demo.build(people=people, days=days, seed=seed, today=today)
    fingerprint = dump(path)
    dbmod.close()
    return fingerprint


def test_one_seed_and_one_day_give_one_database(tmp_path):
    day = dt.date(2027, 1, 1)
    clock.start_at(dt.datetime(2026, 12, 2, 9, 41))  # when it is built does not matter
    first = build_demo(tmp_path / "a.db", day, people=12, days=10)
    clock.start_at(dt.datetime(2026, 12, 3, 17, 5))
    second = build_demo(tmp_path / "b.db", day, people=12, days=10)
    assert first == second
    other_day = build_demo(tmp_path / "c.db", day + dt.timedelta(days=1), people=12, days=10)
    other_seed = build_demo(tmp_path / "d.db", day, seed=8, people=12, days=10)
    assert len({first, other_day, other_seed}) == 3  # the fingerprint does see a difference


def test_the_demo_never_uses_a_name_the_documents_give_a_real_person():
    import random

    from duty_desk.seed.demo import REAL_NAME_DIGESTS, invented_names, is_real_name

    from .test_seed import REAL_NAMES

    assert len(REAL_NAME_DIGESTS) == 10 and all(is_real_name(name) for name in REAL_NAMES)
    for seed in range(200):
        names = invented_names(1000, random.Random(seed))
        assert not any(real in name for name in names for real in REAL_NAMES), seed
    # seed 54 once made 高杰 among a thousand people
    assert "高杰" not in invented_names(1000, random.Random(54))


def promised_states(today: dt.date) -> None:
    """What the README promises of a demo, in the database's terms."""
    from duty_desk.models.appraisal.tables import STATES, Adjustment, Scoresheet
    from duty_desk.models.periods import containing, last_completed
    from duty_desk.models.roster.duties import duties_between
    from duty_desk.models.appraisal.review import default_period, period_results

    last = last_completed("quarter", today)
    assert default_period(today).key == last.key
    with acting_as(SYSTEM):
        rows = period_results(last.key).rows
        current = period_results(containing("quarter", today).key).rows
    assert {r.state for r in rows} == set(STATES), last.key
    statuses = {a.status for a in Adjustment.select().join(Scoresheet).where(Scoresheet.period == default_period(today).id)}
    assert statuses == {"proposed", "confirmed", "rejected"}, last.key
    assert current and all(r.state == "draft" for r in current)
    promised_rules(today)
    assert duties_between(today, today), "the roster has the demo's day"
    noon = f"{today:%Y-%m-%d} 12:00:00"
    latest = dbmod.db.execute_sql("SELECT max(at) FROM log_entry").fetchone()[0]
    assert f"{today:%Y-%m-%d} 00:00:00" <= latest <= noon, latest
    assert dbmod.db.execute_sql("SELECT count(*) FROM log_entry WHERE at > ?", (noon,)).fetchone()[0] == 0


def promised_rules(today: dt.date) -> None:
    """The last completed quarter shows the documents' rules at work (tests/demo has the detail):
    a skipped stocktake, missed patrols on the timber yard, an absence from post, a graded
    production plan and a defect-rate bonus, each from a document's rule."""
    from duty_desk.models.appraisal.tables import Adjustment, AppraisalPeriod, Scoresheet
    from duty_desk.models.organisation.org import Position, Rule
    from duty_desk.models.periods import last_completed

    key = last_completed("quarter", today).key
    shown = {(position, rule.basis, rule.code, adj.kind) for adj, rule, position in (
        (a, a.rule, a.rule.position.key) for a in Adjustment.select(Adjustment, Rule, Position).join(Rule)
        .join(Position).switch(Adjustment).join(Scoresheet).join(AppraisalPeriod).where(AppraisalPeriod.key == key))}
    assert {("001-warehouse-deputy-director", "shortfall", None, "deduction"),
            ("001-timber-yard-accountant", "shortfall", "missed_patrol", "deduction"),
            ("001-timber-yard-accountant", "occurrence", "absent_from_post", "deduction"),
            ("001-production-manager", "graded", None, "deduction"),
            ("001-production-manager", "measured", None, "bonus")} <= shown, (key, shown)
    assert not Rule.select().where(Rule.seeded.is_null()).exists(), "a rule no document gives"


@pytest.mark.parametrize("name", list(DAYS))
async def test_every_screen_opens_on_an_awkward_day(name, tmp_path, monkeypatch, make_app):
    from duty_desk.models.periods import last_completed
    from duty_desk.models.roster.duties import week_of
    from duty_desk.tui.workspaces import WORKSPACES

    today, time_of_day, zone = DAYS[name]
    monkeypatch.setenv("DUTY_TZ", zone)
    clock.set_zone(None)
    assert str(clock.zone()) == zone
    path = tmp_path / "demo.db"
    build_demo(path, today)
    open_database(path)
    promised_states(today)
    clock.start_at(dt.datetime.combine(today, time_of_day))
    admin = dbmod.db.execute_sql("SELECT id, name FROM person WHERE role = 'admin' ORDER BY id").fetchone()
    app = make_app(actor=Actor(admin[0], admin[1], "admin"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for workspace in WORKSPACES:
            await pilot.press(workspace.key)
            await settle(app, pilot)
            assert app.current_mode == workspace.mode
            text = screen_text(app)
            assert "Traceback" not in text and "Error" not in text, (workspace.mode, text)
            if workspace.mode == "roster":  # the week of the clock's day
                assert f"{week_of(today):%Y-%m-%d}" in text, text
            if workspace.mode == "log":  # the demo's day, written up to its noon
                assert f"{today:%m-%d} 11:" in text, text
            if workspace.mode == "scores":  # the last completed quarter
                assert last_completed("quarter", today).key in text, text
    dbmod.close()
