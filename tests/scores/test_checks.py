"""``duty check`` for appraisals, and opening a period as one bulk change."""


import pytest

from duty_desk.models.storage import checks
from duty_desk.models.appraisal import facts
from duty_desk.models.appraisal import review as score_review
from duty_desk.models.appraisal.tables import Adjustment, Rating, Scoresheet, SheetEvent, SheetItem
from duty_desk.models.accounts.audit import AuditEvent
from duty_desk.models.appraisal.deductions import add_manual, add_rule, confirm, propose_for_sheet
from duty_desk.models.organisation.org import Person, Position
from duty_desk.models.appraisal.review import check
from duty_desk.models.appraisal.scoring import RuleParts
from duty_desk.models.appraisal.scoresheets import approve, open_period, submit_review, submit_self
from duty_desk.models.accounts.session import SYSTEM, acting_as

from .conftest import at, rate_all
from duty_desk.models import clock


@pytest.fixture
def approved(office, september) -> int:
    """The officer's September sheet approved at 92.5 (10 × 25 % + 9 × 75 % an item)."""
    rate_all(september, office.officer, 10)
    with acting_as(office.officer):
        submit_self(september)
    rate_all(september, office.supervisor, 9)
    with acting_as(office.supervisor):
        submit_review(september)
        approve(september)
    return september


def test_a_sound_database_has_no_appraisal_problems(approved):
    event = SheetEvent.get(SheetEvent.sheet == approved, SheetEvent.action == "approved")
    assert event.reason == "92.5"  # the approval keeps the score approved
    assert check() == []
    assert ("appraisals", []) in checks.run_all()


def test_a_rating_changed_behind_the_lock_is_reported(approved):
    item = SheetItem.get(SheetItem.sheet == approved, SheetItem.seq == 1)
    Rating.update(points=1).where(Rating.item == item, Rating.rater == "supervisor").execute()
    problems = check()
    assert len(problems) == 1
    assert f"scoresheet {approved} (林晓东, 2026-09, approved) was approved at 92.5 but now comes to 86.5" \
        == problems[0]


def test_open_proposals_on_a_locked_sheet_and_bad_adjustments_are_reported(office, approved):
    facts.record(office.officer.id, "missed_patrol", at(3), "patrol", 31, "no round")
    with acting_as(office.supervisor):
        assert propose_for_sheet(approved) == 0  # a locked sheet takes no proposals
    # written around the lock: unlocked, proposed, locked again
    Scoresheet.update(state="reviewed").where(Scoresheet.id == approved).execute()
    with acting_as(office.supervisor):
        assert propose_for_sheet(approved) == 1
    Scoresheet.update(state="approved").where(Scoresheet.id == approved).execute()
    problems = check()
    assert any("is locked with 1 proposed deduction(s) undecided" in p for p in problems), problems
    adj = Adjustment.get()
    Adjustment.update(cap=-2, count=0).where(Adjustment.id == adj.id).execute()
    problems = check()
    assert any(f"adjustment {adj.id} on scoresheet {approved}" in p and "count 0" in p
               and "cap -2, so its points are held to no cap" in p for p in problems), problems


def test_deductions_over_their_caps_are_reported(office, september, monkeypatch):
    """The check recomputes every total and holds it to its caps: a cap lost in the
    arithmetic shows up here rather than in someone's score."""
    with acting_as(SYSTEM):
        capped = add_rule(office.position_id, "巡逻记录不全", "deduction", 2, cap=5)
    with acting_as(office.supervisor):
        add_manual(september, capped, 4)  # 8 points, held to 5
    assert check() == []

    def caps_lost(rule_id, kind, points, count, cap):  # the arithmetic forgets the rule's cap
        return RuleParts(rule_id, kind, points, count, cap, points * count, points * count)

    monkeypatch.setattr(score_review, "rule_points", caps_lost)
    assert check() == [f"scoresheet {september} (林晓东, 2026-09, draft): 8 points under rule {capped}, "
                       f"over its cap of 5"]


def test_opening_is_one_bulk_change_of_the_audit_trail(office):
    officer = Person.get_by_id(office.officer.id)
    facts.record(officer.id, "missed_patrol", at(3), "patrol", 31, "no round")
    before = AuditEvent.select().count()
    with acting_as(SYSTEM):
        _pid, added = open_period("2026-09", scope="all")
    events = list(AuditEvent.select().where(AuditEvent.id > 0).order_by(AuditEvent.id))[before:]
    assert added == 5
    assert [(e.table_name.split(",")[0], e.action) for e in events] == [("scoresheet", "bulk")]
    assert '"sheets": 5' in events[0].after and '"items": 50' in events[0].after
    assert '"proposals": 1' in events[0].after
    # a decision afterwards is recorded row by row
    with acting_as(office.supervisor):
        confirm(Adjustment.get().id)
    assert AuditEvent.select().where(AuditEvent.table_name == "adjustment", AuditEvent.action == "update").count() == 1


def test_opening_again_adds_only_the_missing_sheets_with_their_items(office, september):
    duty = Position.get(Position.key == "002-duty-officer")
    newcomer = Person.create(name="新同事", position=duty, role="officer", created=clock.now())
    Person.create(name="离职者", position=duty, role="officer", active=False, created=clock.now())
    nowhere = Person.create(name="无岗位", position=None, role="officer", created=clock.now())
    with acting_as(SYSTEM):
        _pid, added = open_period("2026-09", scope="all")
    assert added == 2  # the newcomer and the person without a position; not the one who left
    sheets = {s.person_id: s for s in Scoresheet.select().where(Scoresheet.person.in_([newcomer.id, nowhere.id]))}
    assert set(sheets) == {newcomer.id, nowhere.id}
    for sheet in sheets.values():  # the 10 items and the bands of the default sheet
        assert SheetItem.select().where(SheetItem.sheet == sheet).count() == 10
        assert sheet.bands.startswith("优秀|Excellent|90")
    # without a position: the default sheet and its weights; a duty officer: 002's monthly
    # self-appraisal, the person's own points counting in full
    assert sheets[nowhere.id].weight_supervisor == 60
    assert (sheets[newcomer.id].weight_self, sheets[newcomer.id].weight_supervisor) == (100, 0)
    assert SheetItem.select().count() == 7 * 10  # nobody's items doubled
