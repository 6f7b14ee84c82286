"""Duty facts turn into proposed deductions with their evidence; supervisors decide them."""

import datetime as dt

import pytest

from duty_desk.models.appraisal import facts
from duty_desk.models.appraisal.tables import Adjustment
from duty_desk.models.appraisal.deductions import add_manual, add_rule, confirm, propose_for_period, reject
from duty_desk.models.errors import DutyError, ValidationError
from duty_desk.models.organisation.org import Position, Rule
from duty_desk.models.appraisal.scoresheets import open_period, sheet_id_for
from duty_desk.models.accounts.session import SYSTEM, PermissionDenied, acting_as

from .conftest import at, detail_for, rate_all

# each kind of duty fact, with the evidence a detector would give
EVIDENCE = {
    "late_arrival": ("checkin", 101), "no_show": ("roster", 102), "early_leave": ("checkin", 103),
    "missed_patrol": ("patrol", 104), "absent_from_post": ("log", 105), "late_handover": ("handover", 106),
    "missing_handover": ("handover", 107), "overdue_followup": ("followup", 108),
    "missed_meeting": ("log", 109), "missed_stocktake": ("log", 110),
}


def test_every_kind_of_duty_fact_becomes_a_proposal_with_its_evidence(office):
    duty = Position.get(Position.key == "002-duty-officer")
    assert not Rule.select().where(Rule.position == duty).exists()  # the documents give none
    with acting_as(SYSTEM):
        for n, code in enumerate(facts.DETECTOR_CODES, 1):
            add_rule(duty.id, f"test rule for {code}", "deduction", n, code=code)
    person = office.supervisor  # holds 002-duty-officer
    for day, (code, (source, ref)) in enumerate(EVIDENCE.items(), 1):
        facts.record(person.id, code, at(day), source, ref, detail=f"evidence {code}")
    facts.record(person.id, "late_arrival", dt.datetime(2026, 10, 1, 0, 0), "checkin", 999)  # next period
    facts.record(office.peer.id, "late_arrival", at(2), "checkin", 998)  # someone else
    with acting_as(SYSTEM):
        open_period("2026-Q3")
    sheet = sheet_id_for("2026-Q3", person.id)
    proposals = {a.code: a for a in detail_for(office.supervisor, sheet).adjustments}
    assert set(proposals) == set(facts.DETECTOR_CODES)
    for code, (source, ref) in EVIDENCE.items():
        a = proposals[code]
        assert (a.source, a.ref_id, a.status, a.kind) == (source, ref, "proposed", "deduction")
        assert a.note == f"evidence {code}" and a.occurred_at.month == 9
    # running again proposes nothing new
    with acting_as(SYSTEM):
        assert propose_for_period(1) == 0
    assert Adjustment.select().count() == len(EVIDENCE)


def test_facts_without_a_rule_of_the_position_propose_nothing(office, september):
    facts.record(office.officer.id, "late_arrival", at(3), "checkin", 5)  # no such rule for 木料场会计
    facts.record(office.officer.id, "missed_patrol", at(3), "patrol", 6)
    with acting_as(office.supervisor):
        propose_for_period(1)
    assert [a.code for a in detail_for(office.supervisor, september).adjustments] == ["missed_patrol"]


def test_confirm_one_reject_another_and_the_score_follows(office, september):
    facts.record(office.officer.id, "missed_patrol", at(3), "patrol", 6)
    facts.record(office.officer.id, "absent_from_post", at(4), "log", 7)
    with acting_as(office.supervisor):
        propose_for_period(1)
    rate_all(september, office.supervisor, 9)
    patrol, absent = sorted(detail_for(office.supervisor, september).adjustments, key=lambda a: a.code != "missed_patrol")
    with acting_as(office.officer), pytest.raises(PermissionDenied):
        confirm(patrol.id)
    with acting_as(office.supervisor):
        confirm(patrol.id)
        with pytest.raises(ValidationError, match="Say why"):
            reject(absent.id, "")
        reject(absent.id, "covering the gate on the lead's order")
    detail = detail_for(office.supervisor, september)
    assert detail.total.deductions == 1 and detail.total.score == 89 and detail.total.band[0] == "良好"
    rejected = [a for a in detail.adjustments if a.status == "rejected"][0]
    assert rejected.reason == "covering the gate on the lead's order"


def test_manual_deductions_by_rule_and_count_hold_their_caps(office, september):
    with acting_as(SYSTEM):
        capped = add_rule(office.position_id, "巡逻记录不全", "deduction", 2, cap=5)
        bonus = add_rule(office.position_id, "demo: 表扬", "bonus", 3)
    other_rule = Rule.select().where(Rule.position != office.position_id).first()
    rate_all(september, office.supervisor, 9)
    with acting_as(office.supervisor):
        add_manual(september, capped, 2)
        add_manual(september, capped, 2)  # 8 points, capped at 5
        add_manual(september, bonus, 1)
        with pytest.raises(ValidationError, match="rules of this person's position"):
            add_manual(september, other_rule.id, 1)
        with pytest.raises(ValidationError, match="above 0"):
            add_manual(september, capped, 0)
    t = detail_for(office.supervisor, september).total
    assert (t.deductions, t.bonuses, t.score) == (5, 3, 88)
    assert [r.capped for r in t.rules if r.kind == "deduction"] == [True]


def test_a_rule_needs_an_administrator_and_sound_values(office):
    with acting_as(office.supervisor), pytest.raises(PermissionDenied):
        add_rule(office.position_id, "x", "deduction", 1)
    with acting_as(SYSTEM):
        with pytest.raises(ValidationError, match="not a duty fact"):
            add_rule(office.position_id, "x", "deduction", 1, code="smoking")
        with pytest.raises(ValidationError):
            add_rule(office.position_id, "x", "deduction", 0)
        with pytest.raises(ValidationError):
            add_rule(office.position_id, "", "deduction", 1)


def test_deciding_on_a_locked_sheet_is_refused(office, september):
    facts.record(office.officer.id, "missed_patrol", at(3), "patrol", 6)
    with acting_as(office.supervisor):
        propose_for_period(1)
    proposal = detail_for(office.supervisor, september).adjustments[0]
    with acting_as(office.supervisor):
        confirm(proposal.id)
    rate_all(september, office.officer, 8)
    from duty_desk.models.appraisal.scoresheets import approve, submit_review, submit_self
    with acting_as(office.officer):
        submit_self(september)
    rate_all(september, office.supervisor, 8)
    with acting_as(office.supervisor):
        submit_review(september)
        approve(september)
        with pytest.raises(DutyError, match="locked"):
            reject(proposal.id, "changed my mind")
    facts.record(office.officer.id, "missed_patrol", at(9), "patrol", 16)
    with acting_as(office.supervisor):
        assert propose_for_period(1) == 0  # a locked sheet takes no new proposals
    assert detail_for(office.supervisor, september).adjustments[0].status == "confirmed"
