"""Follow-ups as 002 writes them: a decision is *assigned* within 24 hours; its deadline is the
assigner's, and overdue is against that deadline only."""

from __future__ import annotations

import datetime as dt

from duty_desk.models import clock
from duty_desk.models.appraisal import facts
from duty_desk.models.logbook import followups
from duty_desk.models.logbook import handover
from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.logbook import query as log_query
from duty_desk.models.accounts.session import SYSTEM, acting_as

HOUR = dt.timedelta(hours=1)


def test_the_deadline_is_the_assigners_and_may_be_left_open(office):
    with acting_as(office.lead):
        meeting = log_entries.add("m: 决定更换东门监控")
        open_ended = followups.open_followup(meeting, "Li Na")
    item = followups.for_entry(meeting)[0]
    assert item.id == open_ended and item.due_at is None
    assert log_query.row(meeting).followup == "open"
    much_later = clock.now() + dt.timedelta(days=30)
    assert not item.overdue(much_later) and followups.overdue(much_later) == []
    with acting_as(SYSTEM):
        assert followups.record_overdue(much_later) == 0
    assert followups.deadline("  ") is None
    assert followups.deadline("+3d", dt.datetime(2026, 11, 20, 12, 0)) == dt.datetime(2026, 11, 23, 12, 0)


def test_a_deadline_three_days_out_is_not_overdue_after_24_hours(office):
    opened = clock.now()
    with acting_as(office.lead):
        meeting = log_entries.add("m: 决定三天内完成消防通道清理")
        fid = followups.open_followup(meeting, office.officer.id, opened + dt.timedelta(days=3))
    for later in (opened + 24 * HOUR, opened + 25 * HOUR, opened + dt.timedelta(days=2, hours=23)):
        assert followups.overdue(later) == []
        assert log_query.rows_between(1, 1, at=later)[0].followup == "open"
        with acting_as(SYSTEM):
            assert followups.record_overdue(later) == 0
    past = opened + dt.timedelta(days=3, minutes=2)
    assert [f.id for f in followups.overdue(past)] == [fid]
    with acting_as(SYSTEM):
        assert followups.record_overdue(past) == 1
    found = facts.between(opened, past + dt.timedelta(days=1), office.officer.id)
    assert [(f.code, f.ref_id) for f in found] == [("overdue_followup", fid)]


def test_a_decision_without_an_owner_is_flagged_when_24_hours_pass(office):
    decided = clock.now().replace(microsecond=0)
    with acting_as(office.lead):
        meeting = log_entries.add("m: 决定周五组织消防演练")
        log_entries.add("o: 东门灯坏了")  # no decision: never flagged
        log_entries.add("f: 监控 3 号机无画面")
    assert followups.unassigned_decisions(decided + 23 * HOUR) == []
    [flag] = followups.unassigned_decisions(decided + 24 * HOUR)  # "within 24 hours": at 24 h it is late
    assert (flag.entry_id, flag.hours) == (meeting, 24)
    # The desk's clock moves on: 25 hours later it is still flagged, by default "now".
    clock.start_at(decided + 25 * HOUR)
    [flag] = followups.unassigned_decisions()
    assert (flag.entry_id, flag.seq, flag.hours, flag.author) == (meeting, 1, 25, "陈海燕")
    assert flag.text == "决定周五组织消防演练"
    # Assigned (late, and without a deadline): no longer flagged from then on; before, it was.
    with acting_as(office.lead):
        followups.open_followup(meeting, "Li Na")
    assert followups.unassigned_decisions() == []
    assert [f.entry_id for f in followups.unassigned_decisions(decided + 24 * HOUR + dt.timedelta(minutes=30))] \
        == [meeting]


def test_a_corrected_decision_is_one_decision(office):
    decided = clock.now().replace(microsecond=0)
    with acting_as(office.lead):
        first = log_entries.add("m: 决定更换西门锁")
        fixed = log_entries.amend(first, "决定更换西门和北门的锁")
        not_one = log_entries.add("m: 例会，无决议")
        log_entries.amend(not_one, "o: 例会，无决议")  # corrected: it was no decision
    assert [f.entry_id for f in followups.unassigned_decisions(decided + 25 * HOUR)] == [first]
    with acting_as(office.lead):
        followups.open_followup(fixed, "Li Na")  # the owner is named on the correction
    assert followups.unassigned_decisions(decided + 25 * HOUR) == []


def test_the_handover_report_names_unassigned_decisions_and_open_deadlines(office):
    decided = clock.now().replace(microsecond=0)
    with acting_as(office.lead):
        meeting = log_entries.add("m: 决定增派夜间巡逻")
        other = log_entries.add("m: 决定更新值班表")
        followups.open_followup(other, "Li Na")  # no deadline
    within = handover.report_markdown(handover.draft(decided + 2 * HOUR, office.lead.id))
    assert "Decisions without an owner" not in within  # still within the 24 hours
    assert "no deadline set" in within
    later = decided + 26 * HOUR
    draft = handover.draft(later, office.lead.id)
    assert [u.entry_id for u in draft.unassigned] == [meeting]
    clock.start_at(later)
    text = handover.report_markdown(draft)
    assert "## Decisions without an owner after 24 hours" in text
    line = next(line for line in text.splitlines() if line.startswith("- #1 "))
    assert "决定增派夜间巡逻" in line and "**no owner for 26 h**" in line
    from duty_desk.tui.i18n import _, set_language

    set_language("zh_CN")
    try:
        zh = handover.report_markdown(draft, t=_)
    finally:
        set_language("en")
    assert "## 超过24小时仍未分配责任人的决议" in zh and "已 26 小时无责任人" in zh and "未设完成时限" in zh
