"""The arithmetic of a sheet at its edges: weights, caps, clamping, bands."""

import pytest

from duty_desk.models.errors import ValidationError
from duty_desk.models.appraisal.scoring import (DEFAULT_BANDS, band_for, check_points, check_weights, clamp, criterion_score,
                            round1, rule_points, total)

W = {"self": 20, "supervisor": 60, "peer": 20}


@pytest.mark.parametrize("score, band", [
    (59.9, "差"), (60, "合格"), (69.9, "合格"), (70, "中等"), (79.9, "中等"), (80, "良好"),
    (89.9, "良好"), (90, "优秀"), (100, "优秀"), (0, "差"), (-5, "差")])
def test_bands_at_their_edges(score, band):
    assert band_for(score)[0] == band


def test_a_scheme_of_its_own_bands():
    four = [("优秀", "Excellent", 85), ("良好", "Good", 75), ("一般", "Fair", 60), ("差", "Poor", 0)]
    assert band_for(84.9, four)[0] == "良好" and band_for(85, four)[0] == "优秀"
    assert band_for(None) is None


def test_total_is_rounded_before_it_is_banded():
    # 89.95 reads as 90.0, so its band must be 优秀; 89.94 reads 89.9 and is 良好.
    crit = [criterion_score(None, 89.95, None, 0, W, 100)]
    assert total(crit, [], 0, 100).score == 90.0 and total(crit, [], 0, 100).band[0] == "优秀"
    crit = [criterion_score(None, 89.94, None, 0, W, 100)]
    assert total(crit, [], 0, 100).score == 89.9 and total(crit, [], 0, 100).band[0] == "良好"
    assert round1(84.25) == 84.3 and round1(59.95) == 60.0


def test_weights_apply_and_a_missing_side_is_left_out():
    all_three = criterion_score(5, 10, 0, 2, W, 10)
    assert all_three.score == pytest.approx(5 * 0.2 + 10 * 0.6 + 0)
    no_peers = criterion_score(5, 10, None, 0, W, 10)
    assert no_peers.weights_used == pytest.approx({"self": 25, "supervisor": 75})
    assert no_peers.score == pytest.approx(8.75)
    only_self = criterion_score(7, None, None, 0, W, 10)
    assert only_self.score == 7
    assert criterion_score(None, None, None, 0, W, 10).score is None
    # a side weighted 0 does not count even when it rated
    assert criterion_score(2, 8, None, 0, {"self": 0, "supervisor": 100, "peer": 0}, 10).score == 8


def test_weights_must_add_up_to_100():
    assert check_weights(20, 60, 20) == W
    assert check_weights(0, 100, 0)["supervisor"] == 100
    with pytest.raises(ValidationError, match="add up to 90%"):
        check_weights(20, 50, 20)
    with pytest.raises(ValidationError) as err:
        check_weights(-10, 90, 20)
    assert err.value.field == "self"


def test_points_within_the_item():
    assert check_points(10, 10) == 10 and check_points(0, 10) == 0
    with pytest.raises(ValidationError, match="above this item's maximum of 10"):
        check_points(10.5, 10)
    with pytest.raises(ValidationError):
        check_points(-1, 10)


def test_rule_caps_and_sheet_caps():
    patrol = rule_points(1, "deduction", 1, 12, cap=10)
    assert (patrol.raw, patrol.applied, patrol.capped) == (12, 10, True)
    absent = rule_points(2, "deduction", 2, 3, cap=None)
    assert absent.applied == 6 and not absent.capped
    bonus = rule_points(3, "bonus", 1, 4, cap=3)
    crit = [criterion_score(None, 8, None, 0, W, 10) for _ in range(10)]  # 80
    t = total(crit, [patrol, absent, bonus], 0, 100)
    assert (t.rated, t.deductions, t.bonuses, t.score, t.band[0]) == (80, 16, 3, 67, "合格")
    capped = total(crit, [patrol, absent, bonus], 0, 100, deduction_cap=5, bonus_cap=1)
    assert (capped.deductions, capped.bonuses, capped.score) == (5, 1, 76)


def test_clamped_to_the_range():
    crit = [criterion_score(None, 10, None, 0, W, 10) for _ in range(10)]
    t = total(crit, [rule_points(1, "bonus", 5, 2, None)], 0, 100)
    assert t.raw == 110 and t.score == 100 and t.clamped
    t = total([criterion_score(None, 3, None, 0, W, 10)], [rule_points(1, "deduction", 2, 5, None)], 0, 100)
    assert t.raw == -7 and t.score == 0 and t.band[0] == "差"
    assert clamp(5, 0, 3) == 3 and clamp(-1, 0, 3) == 0
    assert DEFAULT_BANDS[0][2] == 90
