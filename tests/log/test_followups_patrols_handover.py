"""Follow-ups, missed patrols and handover in models/ terms."""

from __future__ import annotations

import datetime as dt

import pytest

from duty_desk.models.appraisal import facts
from duty_desk.models.logbook import followups
from duty_desk.models.logbook import handover
from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.logbook import query as log_query
from duty_desk.models.logbook import patrols
from duty_desk.models.errors import DutyError, ValidationError
from duty_desk.models.accounts.session import SYSTEM, PermissionDenied, acting_as
from duty_desk.models import clock


def test_followup_lifecycle(office, monkeypatch):
    with acting_as(office.officer):
        meeting = log_entries.add("m: 调度会决定: 更换东门监控")
        fid = followups.open_followup(meeting, "Li Na", clock.now() + dt.timedelta(hours=24))
        with pytest.raises(ValidationError) as err:
            followups.open_followup(meeting, "nobody at all")
        assert err.value.field == "owner"
    item = followups.for_entry(meeting)[0]
    assert item.owner == "Li Na" and item.is_open
    # The deadline is the one its assigner set (here 24 hours).
    assert abs((item.due_at - item.opened_at) - dt.timedelta(hours=24)) < dt.timedelta(minutes=1)
    assert log_query.row(meeting).followup == "open"
    # It carries over to the next shift while open.
    assert [f.id for f in followups.open_followups(clock.now() + dt.timedelta(hours=13))] == [fid]
    # Past the deadline it stands out, and becomes a fact against its owner.
    later = clock.now() + dt.timedelta(hours=25)
    assert [f.id for f in followups.overdue(later)] == [fid]
    with pytest.raises(PermissionDenied):
        followups.record_overdue(later)  # nobody signed in
    with acting_as(SYSTEM):
        assert followups.record_overdue(later) == 1
        assert followups.record_overdue(later) == 1  # again: still one fact
    found = facts.between(dt.datetime(2000, 1, 1), later + dt.timedelta(days=1), office.officer2.id)
    assert [(f.code, f.ref_id) for f in found] == [("overdue_followup", fid)]
    with acting_as(office.officer2):
        with pytest.raises(ValidationError):
            followups.close_followup(fid, "   ")
        close_entry = followups.close_followup(fid, "已更换")
        with pytest.raises(DutyError):
            followups.close_followup(fid, "again")
    assert followups.open_followups() == []
    assert log_query.row(meeting).followup == "closed"
    assert "已更换" in log_query.row(close_entry).text


def test_followup_deadline_must_be_future(office):
    with acting_as(office.officer):
        entry = log_entries.add("o: x")
        with pytest.raises(ValidationError):
            followups.open_followup(entry, office.lead.id, dt.datetime(2020, 1, 1))


def test_missed_patrol_gaps():
    start = dt.datetime(2026, 11, 20, 8, 0)
    hour = dt.timedelta(hours=1)
    times = [start + dt.timedelta(minutes=50), start + dt.timedelta(minutes=100), start + dt.timedelta(hours=4)]
    # due 9:50 (came 9:40 → next due 10:40), missed 10:40, 11:40 … patrol at 12:00, next due 13:00
    assert patrols.gaps(times, start, start + dt.timedelta(hours=5), hour)[-1] == dt.datetime(2026, 11, 20, 11, 40)
    assert patrols.gaps(times, start, start + dt.timedelta(hours=5, minutes=1), hour) == [
        dt.datetime(2026, 11, 20, 10, 40), dt.datetime(2026, 11, 20, 11, 40), dt.datetime(2026, 11, 20, 13, 0)]
    assert patrols.gaps([], start, start + dt.timedelta(minutes=59), hour) == []


def _rostered_at_yard(person, first_day: dt.date, days: int = 1) -> None:
    """*person* on a day shift (08:00–20:00) at the 木料场 post, and a lead at the command desk."""
    from duty_desk.models.roster import duties as roster

    with acting_as(SYSTEM):
        yard = roster.add_post("yard", "木料场", "Timber yard")
        roster.add_post("desk", "值班指挥台", "Command desk")  # another post, where nobody is charged
        shift = roster.add_shift("day", "白班", "Day", "08:00", "20:00")
        night = roster.add_shift("night", "夜班", "Night", "20:00", "08:00")
        for n in range(days):
            day = first_day + dt.timedelta(days=n)
            roster.assign(person.id, day, shift, yard)
            roster.assign(person.id, day, night, yard)


def test_missed_patrols_become_facts(office):
    with acting_as(office.admin):
        patrols.set_rule("木料场", 60)
    base = dt.datetime(2026, 11, 20, 8, 0)
    _rostered_at_yard(office.officer, base.date())
    with acting_as(office.officer):
        for minutes in (0, 55, 110):  # then nothing until 12:00
            log_entries.add_entry("patrol", "巡逻正常", at=base + dt.timedelta(minutes=minutes), post="木料场")
        log_entries.add_entry("patrol", "巡逻 at another post", at=base + dt.timedelta(minutes=170), post="东门")
    with acting_as(SYSTEM):
        missed = patrols.detect_missed(base, base + dt.timedelta(hours=4))
        again = patrols.detect_missed(base, base + dt.timedelta(hours=4))
    assert [m.due_at.strftime("%H:%M") for m in missed] == ["10:50", "11:50"]
    assert {m.person_id for m in missed} == {office.officer.id}
    assert [m.id for m in again] == [m.id for m in missed]  # safe to run again
    found = facts.between(base, base + dt.timedelta(hours=4), office.officer.id)
    assert [f.code for f in found] == ["missed_patrol", "missed_patrol"]
    with acting_as(office.officer), pytest.raises(PermissionDenied):
        patrols.set_rule("东门", 30)


def test_handover_report_and_countersign(office):
    now = clock.now().replace(microsecond=0)
    with acting_as(office.officer):
        log_entries.add("p: @东门 巡逻正常")
        fault = log_entries.add("f: @机房 UPS 报警")
        log_entries.add("e: @仓库 烟雾报警")
        followups.open_followup(fault, "Li Na", what="UPS 电池更换")
        log_entries.add("x: ¥900 更换电池")
    draft = handover.draft(now, office.lead.id)
    text = handover.report_markdown(draft, "夜班注意仓库")
    assert "烟雾报警" in text and "UPS 电池更换" in text and "Li Na" in text
    assert "¥900.00" in text and "Patrols: 1" in text and "夜班注意仓库" in text
    with acting_as(office.officer), pytest.raises(PermissionDenied):
        handover.close_shift()
    with acting_as(office.lead):
        hid = handover.close_shift("夜班注意仓库")
        with pytest.raises(DutyError):
            handover.close_shift()  # once per shift
        with pytest.raises(DutyError):
            handover.countersign(hid)  # not by the one who handed over
    with acting_as(office.lead2):
        handover.countersign(hid)
    h = handover.get(hid)
    assert h.outgoing == "陈海燕" and h.incoming == "赵国庆"
    md = handover.export(hid, "markdown")
    assert md.startswith("# Handover report") and "Countersigned by: 赵国庆" in md
    plain = handover.export(hid, "text")
    assert "#" not in plain.splitlines()[0] and "=====" in plain
    assert log_query.rows_in(now - dt.timedelta(hours=1), now + dt.timedelta(hours=1))[-1].category == "handover"


def test_late_handover_is_a_fact(office, monkeypatch):
    # The day shift of 20 Nov (08:00–20:00) closed at 21:00: half an hour past the grace.
    monkeypatch.setattr(handover, "now", lambda: dt.datetime(2026, 11, 20, 21, 0))
    with acting_as(office.lead):
        late = handover.close_shift(at=dt.datetime(2026, 11, 20, 19, 0))
    monkeypatch.setattr(handover, "now", lambda: dt.datetime(2026, 11, 21, 8, 10))
    with acting_as(office.lead2):
        on_time = handover.close_shift(at=dt.datetime(2026, 11, 21, 7, 0))
    with acting_as(SYSTEM):
        recorded = handover.record_handover_facts(dt.datetime(2026, 11, 20), dt.datetime(2026, 11, 22))
    assert recorded == [("late_handover", office.lead.id)]
    found = facts.between(dt.datetime(2026, 11, 20), dt.datetime(2026, 11, 22))
    assert [(f.code, f.ref_id) for f in found] == [("late_handover", late)]
    assert on_time != late


def test_missed_patrol_detection_reads_a_window_in_a_fixed_number_of_queries(office, monkeypatch):
    """Two missed rounds or forty: the same statements (one set-based pass per rule)."""
    from duty_desk.models.storage import db as dbmod

    with acting_as(office.admin):
        patrols.set_rule("木料场", 60)
    base = dt.datetime(2026, 11, 20, 8, 0)
    _rostered_at_yard(office.officer, base.date(), days=2)
    with acting_as(office.officer):
        log_entries.add_entry("patrol", "巡逻正常", at=base, post="木料场")
    calls = []
    real = type(dbmod.db.obj).execute_sql

    def counting(self, sql, params=None, *args, **kwargs):
        calls.append(sql)
        return real(self, sql, params, *args, **kwargs)

    monkeypatch.setattr(type(dbmod.db.obj), "execute_sql", counting)
    counts = []
    for hours in (3, 42):
        calls.clear()
        with acting_as(SYSTEM):
            missed = patrols.detect_missed(base, base + dt.timedelta(hours=hours))
        counts.append((len(missed), len(calls)))
    (few, few_queries), (many, many_queries) = counts
    assert few == 2 and many == 38  # 42 h over four 12-hour duties: each duty's first round is due an hour in
    assert many_queries == few_queries, counts
    assert {f.code for f in facts.between(base, base + dt.timedelta(hours=42), office.officer.id)} == {"missed_patrol"}
    assert len(facts.between(base, base + dt.timedelta(hours=42), office.officer.id)) == 38
