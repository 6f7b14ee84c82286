"""The swap workflow: ask, accept, approve; the roster changes only then; history stays."""

import datetime as dt

import pytest

from duty_desk.models.roster import duties as roster
from duty_desk.models.roster import swaps
from duty_desk.models.errors import DutyError, ValidationError
from duty_desk.models.accounts.session import PermissionDenied, acting_as

from .conftest import DAY1


@pytest.fixture
def duties(office):
    with acting_as(office.as_sup):
        mine = roster.assign(office.off1, DAY1, office.day, office.patrol)
        theirs = roster.assign(office.off2, DAY1 + dt.timedelta(days=2), office.night, office.patrol)
    return mine, theirs


def owner(assignment_id):
    return roster.duty(assignment_id).person_id


def test_cover_swap_changes_the_roster_only_when_approved(office, duties):
    mine, _ = duties
    with acting_as(office.as_off1):
        sid = swaps.request_swap(mine, office.off2, reason="家里有事")
    assert owner(mine) == office.off1
    with acting_as(office.as_lead):
        with pytest.raises(DutyError, match="not accepted"):
            swaps.approve_swap(sid)
    with acting_as(office.as_off1):
        with pytest.raises(DutyError, match="Only the colleague"):
            swaps.accept_swap(sid)
    with acting_as(office.as_off2):
        swaps.accept_swap(sid)
    assert owner(mine) == office.off1
    with acting_as(office.as_off2):
        with pytest.raises(PermissionDenied):
            swaps.approve_swap(sid)
    with acting_as(office.as_lead):
        swaps.approve_swap(sid, "同意")
    assert owner(mine) == office.off2
    assert roster.duty(mine).source == "swap"
    [row] = swaps.swaps()
    assert (row.status, row.requester, row.colleague, row.decided_by) == ("approved", "张立新", "刘文静", "王志强")
    assert row.reason == "家里有事" and row.note == "同意"
    assert row.requested_at <= row.accepted_at <= row.decided_at
    assert (row.day, row.shift_zh, row.post_zh) == (DAY1, "白班", "巡逻")
    assert swaps.swaps(open_only=True) == []
    with acting_as(office.as_lead):
        with pytest.raises(DutyError, match="closed"):
            swaps.approve_swap(sid)


def test_exchange_swap_moves_both_duties(office, duties):
    mine, theirs = duties
    with acting_as(office.as_off1):
        sid = swaps.request_swap(mine, office.off2, theirs)
    with acting_as(office.as_off2):
        swaps.accept_swap(sid)
    with acting_as(office.as_sup):
        swaps.approve_swap(sid)
    assert (owner(mine), owner(theirs)) == (office.off2, office.off1)


def test_exchange_on_the_same_shift_swaps_posts(office):
    with acting_as(office.as_sup):
        mine = roster.assign(office.off1, DAY1, office.day, office.patrol)
        theirs = roster.assign(office.off2, DAY1, office.day, office.cmd)
    with acting_as(office.as_off1):
        sid = swaps.request_swap(mine, office.off2, theirs)
    with acting_as(office.as_off2):
        swaps.accept_swap(sid)
    with acting_as(office.as_lead):
        swaps.approve_swap(sid)
    assert [(d.person_id, d.post_id) for d in roster.duties_between(DAY1, DAY1)] in (
        [(office.off1, office.cmd), (office.off2, office.patrol)],
        [(office.off2, office.patrol), (office.off1, office.cmd)])


def test_a_swap_with_oneself_is_refused_at_the_colleague(office, duties):
    mine, _ = duties
    with acting_as(office.as_off1):
        with pytest.raises(ValidationError) as err:
            swaps.request_swap(mine, office.off1)
    assert err.value.field == "colleague"
    assert swaps.swaps() == []


def test_only_ones_own_duty_can_be_offered(office, duties):
    mine, _ = duties
    with acting_as(office.as_off2):
        with pytest.raises(DutyError, match="your own"):
            swaps.request_swap(mine, office.off3)


def test_a_swap_that_would_double_book_is_refused(office, duties):
    mine, _ = duties
    with acting_as(office.as_sup):
        roster.assign(office.off3, DAY1, office.day, office.cmd)
    with acting_as(office.as_off1):
        with pytest.raises(DutyError, match="already on duty") as err:
            swaps.request_swap(mine, office.off3)
    assert err.value.field == "colleague"


def test_decline_and_withdraw_leave_the_roster_alone(office, duties):
    mine, _ = duties
    with acting_as(office.as_off1):
        first = swaps.request_swap(mine, office.off2)
        with pytest.raises(DutyError, match="already has an open"):
            swaps.request_swap(mine, office.off3)
    with acting_as(office.as_off2):
        swaps.decline_swap(first, "没空")
    with acting_as(office.as_off1):
        second = swaps.request_swap(mine, office.off3)
        swaps.decline_swap(second)
    assert owner(mine) == office.off1
    assert [r.status for r in swaps.swaps()] == ["cancelled", "declined"]
