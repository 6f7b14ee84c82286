"""Each position's own cycle: which sheet a period opens, who scores it, what its total counts.

``002`` says 月度自評、季度上級評估: a duty officer's month is a self-appraisal, the quarter a
supervisor's appraisal with the months beside it. A position without schemes of its own keeps
the 10-item sheet on its own period.
"""

import pytest

from duty_desk.models.appraisal.tables import Rating, Scoresheet
from duty_desk.models.storage.db import db
from duty_desk.models.errors import DutyError, ValidationError
from duty_desk.models.appraisal.review import feeding_sheets, sheet_detail
from duty_desk.models.appraisal.scoresheets import (approve, open_period, period_schemes, rate, sheet_id_for, sheet_raters,
                                set_weights, submit_review, submit_self)
from duty_desk.models.appraisal.scoring import parse_raters, rater_weights
from duty_desk.models.accounts.session import SYSTEM, PermissionDenied, acting_as

from .conftest import make_scheme


def opened(key: str) -> dict[str, tuple[str, str]]:
    """Who got a sheet in *key*: name → (scheme key, raters)."""
    with acting_as(SYSTEM):
        open_period(key)
    rows = db.execute_sql(
        "SELECT p.name, sc.key, s.raters FROM scoresheet s JOIN person p ON p.id = s.person_id "
        "JOIN scheme sc ON sc.id = s.scheme_id JOIN appraisal_period ap ON ap.id = s.period_id WHERE ap.key = ?",
        (key,)).fetchall()
    return {name: (scheme, raters) for name, scheme, raters in rows}


def rate_items(sheet_id, who, values, as_peer=False):
    with acting_as(who):
        for seq, value in enumerate(values, 1):
            rate(sheet_id, seq, value, as_peer=as_peer)


# ---- the arithmetic ----------------------------------------------------------------------

def test_raters_are_read_in_their_order_and_all_three_when_none_is_named():
    assert parse_raters("supervisor, self") == ("self", "supervisor")
    assert parse_raters("self") == ("self",)
    assert parse_raters("") == parse_raters(None) == parse_raters("boss") == ("self", "supervisor", "peer")


def test_absent_raters_weigh_nothing_and_a_single_rater_is_everything():
    w = {"self": 20, "supervisor": 60, "peer": 20}
    assert rater_weights(("self",), w) == {"self": 100, "supervisor": 0, "peer": 0}
    assert rater_weights(("supervisor",), w) == {"self": 0, "supervisor": 100, "peer": 0}
    assert rater_weights(("self", "supervisor"), w) == pytest.approx({"self": 25, "supervisor": 75, "peer": 0})
    assert rater_weights(("self", "supervisor", "peer"), w) == pytest.approx(w)
    # the scheme weighs its only rater at 0: the rater still counts, in full
    assert rater_weights(("peer",), {"self": 50, "supervisor": 50, "peer": 0})["peer"] == 100
    assert sum(rater_weights(("self", "supervisor", "peer"), {"self": 0, "supervisor": 0, "peer": 0}).values()) \
        == pytest.approx(100)


# ---- which sheet a period opens -----------------------------------------------------------

def test_a_month_opens_self_appraisals_for_the_duty_officers_only(duty_office):
    got = opened("2026-07")
    assert got == {"林晓东": ("duty-monthly-self", "self"), "马志强": ("duty-monthly-self", "self")}
    sid = sheet_id_for("2026-07", duty_office.officer.id)
    sheet = Scoresheet.get_by_id(sid)
    assert (sheet.weight_self, sheet.weight_supervisor, sheet.weight_peer) == (100, 0, 0)
    assert sheet_raters(sid) == ("self",)


def test_a_quarter_opens_supervisor_appraisals_and_the_10_item_sheet_elsewhere(duty_office):
    got = opened("2026-Q3")
    assert got["林晓东"] == got["马志强"] == ("duty-quarterly", "supervisor")
    # positions without schemes of their own: the default sheet on their period, all raters, as before
    for name in ("宋丽娟", "高海燕", "管理员"):
        assert got[name] == ("sheet-10x10", "self,supervisor,peer")
    sheet = Scoresheet.get_by_id(sheet_id_for("2026-Q3", duty_office.officer.id))
    assert (sheet.weight_self, sheet.weight_supervisor, sheet.weight_peer) == (0, 100, 0)
    clerk = Scoresheet.get_by_id(sheet_id_for("2026-Q3", duty_office.clerk.id))
    assert (clerk.weight_self, clerk.weight_supervisor, clerk.weight_peer) == (20, 60, 20)


def test_a_kind_no_scheme_of_the_position_has_opens_nothing_for_it(duty_office):
    assert opened("2026-H2") == {}
    picks = period_schemes("half", "all")  # everyone: the position's first scheme
    assert picks[duty_office.duty_position] == duty_office.monthly
    assert picks[duty_office.clerk_position] == duty_office.default


def test_one_scheme_keeps_the_position_s_own_period(duty_office):
    """A position whose one scheme is monthly but which is appraised quarterly (its own
    ``period``) gets no month sheet: the rule from before the cycles."""
    from duty_desk.models.organisation.org import Position, PositionScheme

    clerk = Position.get_by_id(duty_office.clerk_position)
    clerk.scheme = duty_office.default
    clerk.save()
    PositionScheme.create(position=clerk, scheme=duty_office.default)
    assert "宋丽娟" not in opened("2026-08")
    assert opened("2026-Q3")["宋丽娟"] == ("sheet-10x10", "self,supervisor,peer")


def test_the_sheet_keeps_the_raters_it_opened_with(duty_office):
    from duty_desk.models.organisation.org import Scheme

    opened("2026-07")
    Scheme.update(raters="self,supervisor,peer").where(Scheme.id == duty_office.monthly).execute()
    assert sheet_raters(sheet_id_for("2026-07", duty_office.officer.id)) == ("self",)
    assert opened("2026-08")["林晓东"] == ("duty-monthly-self", "self,supervisor,peer")


# ---- who scores it ------------------------------------------------------------------------

def test_a_self_appraisal_is_handed_in_and_approved_without_supervisor_points(duty_office):
    opened("2026-07")
    sid = sheet_id_for("2026-07", duty_office.officer.id)
    with acting_as(duty_office.supervisor), pytest.raises(DutyError, match="no supervisor points"):
        rate(sid, 1, 20)
    with acting_as(duty_office.supervisor), pytest.raises(DutyError, match="not handed in"):
        approve(sid)
    rate_items(sid, duty_office.officer, [25, 20, 22.5, 25])
    with acting_as(duty_office.officer):
        submit_self(sid)
    with acting_as(duty_office.supervisor):
        with pytest.raises(DutyError, match="no supervisor points"):
            submit_review(sid)
        approve(sid)
        detail = sheet_detail(sid)
    assert Scoresheet.get_by_id(sid).state == "approved"
    assert detail.total.score == 92.5 and detail.raters == ("self",) and not detail.weights_local
    assert Rating.select().where(Rating.rater != "self").count() == 0


def test_a_supervisor_appraisal_has_no_self_step(duty_office):
    opened("2026-Q3")
    sid = sheet_id_for("2026-Q3", duty_office.officer.id)
    with acting_as(duty_office.officer):
        with pytest.raises(DutyError, match="no self-assessment"):
            rate(sid, 1, 20)
        with pytest.raises(DutyError, match="no self-assessment"):
            submit_self(sid)
    with acting_as(duty_office.officer2), pytest.raises(PermissionDenied):
        rate(sid, 1, 20, as_peer=True)  # no peers on this sheet: not a colleague's to rate
    rate_items(sid, duty_office.supervisor, [20, 20, 20, 20])
    with acting_as(duty_office.supervisor):
        submit_review(sid)  # straight from draft: there is no self step to wait for
        approve(sid)
        assert sheet_detail(sid).total.score == 80.0
    assert Scoresheet.get_by_id(sid).state == "approved"


def test_the_total_counts_only_the_sheet_s_raters(duty_office):
    """A self + supervisor scheme: 25/75 of the scheme's 20/60; a peer point that got in
    some other way (an old sheet's, a direct write) does not count."""
    from duty_desk.models.organisation.org import Position, PositionScheme

    both = make_scheme("two-raters", "quarter", "self,supervisor", 4)
    clerk = Position.get_by_id(duty_office.clerk_position)
    clerk.scheme = both
    clerk.save()
    PositionScheme.create(position=clerk, scheme=both)
    opened("2026-Q3")
    sid = sheet_id_for("2026-Q3", duty_office.clerk.id)
    rate_items(sid, duty_office.clerk, [25, 25, 25, 25])
    rate_items(sid, duty_office.supervisor, [15, 15, 15, 15])
    with acting_as(duty_office.admin), pytest.raises(DutyError, match="no peer points"):
        rate(sid, 1, 0, as_peer=True)
    item = db.execute_sql("SELECT id FROM sheet_item WHERE sheet_id = ? AND seq = 1", (sid,)).fetchone()[0]
    Rating.create(sheet=sid, item=item, rater="peer", slot=99, points=0)
    with acting_as(duty_office.supervisor):
        detail = sheet_detail(sid)
    # 25 × 25 % + 15 × 75 % = 17.5 an item
    assert detail.total.score == 70.0 and detail.weights_local
    assert detail.weights == pytest.approx({"self": 25, "supervisor": 75, "peer": 0})
    assert detail.items[0].parts.weights_used == pytest.approx({"self": 25, "supervisor": 75})


def test_weights_are_set_only_for_the_sheet_s_raters(duty_office):
    opened("2026-07")
    sid = sheet_id_for("2026-07", duty_office.officer.id)
    with acting_as(duty_office.supervisor):
        with pytest.raises(ValidationError) as err:
            set_weights(sid, 80, 20, 0)
        assert err.value.field == "supervisor"
        set_weights(sid, 100, 0, 0)


# ---- the months beside the quarter --------------------------------------------------------

def test_the_quarter_s_sheet_shows_the_monthly_self_appraisals_that_feed_it(duty_office):
    for month in ("2026-07", "2026-08"):
        opened(month)
    july = sheet_id_for("2026-07", duty_office.officer.id)
    rate_items(july, duty_office.officer, [25, 25, 20, 20])
    with acting_as(duty_office.officer):
        submit_self(july)
    with acting_as(duty_office.supervisor):
        approve(july)
    august = sheet_id_for("2026-08", duty_office.officer.id)
    rate_items(august, duty_office.officer, [25, 25])
    opened("2026-Q3")
    quarter = sheet_id_for("2026-Q3", duty_office.officer.id)
    with acting_as(duty_office.supervisor):
        feeds = feeding_sheets(quarter)
        assert sheet_detail(quarter).feeds == tuple(feeds)
    assert [(f.period_key, f.state, f.score) for f in feeds] == [
        ("2026-07", "approved", 90.0), ("2026-08", "draft", None), ("2026-09", "", None)]
    assert (feeds[1].criteria_rated, feeds[1].criteria_total) == (2, 4)
    assert not feeds[0].provisional and feeds[1].provisional
    assert feeds[2].sheet_id is None  # September is not opened
    # the person reads their own; a colleague does not; a month feeds nothing itself
    with acting_as(duty_office.officer):
        assert len(feeding_sheets(quarter)) == 3
        assert feeding_sheets(july) == []
    with acting_as(duty_office.officer2), pytest.raises(PermissionDenied):
        feeding_sheets(quarter)
