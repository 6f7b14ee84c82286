"""The arithmetic of a scoresheet, free of the database: weights, caps, clamping and bands.

Everything here takes plain numbers and returns plain numbers, so each rule of the sheet
can be tested at its edges. A total is rounded to one decimal *before* it is banded, so
the figure a person reads and the band beside it always agree (89.95 shows as 90.0 and
is 优秀; 89.9 is 良好).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from duty_desk.models.errors import N_, ValidationError

RATERS = ("self", "supervisor", "peer")
DEFAULT_BANDS = (  # (name_zh, name_en, min_score), highest first: the 10-item sheet's bands
    ("优秀", "Excellent", 90.0),
    ("良好", "Good", 80.0),
    ("中等", "Fair", 70.0),
    ("合格", "Pass", 60.0),
    ("差", "Poor", float("-inf")),
)


def round1(value: float) -> float:
    """Round half up to one decimal, as a person would (84.25 → 84.3)."""
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def check_weights(self_w: float, supervisor_w: float, peer_w: float) -> dict[str, float]:
    """The three rater weights as a dict, if each is 0–100 and they add up to 100 %."""
    weights = {"self": self_w, "supervisor": supervisor_w, "peer": peer_w}
    for rater, value in weights.items():
        if value is None or value < 0 or value > 100:
            raise ValidationError(N_("Each weight must be between 0 and 100."), field=rater)
    total = sum(weights.values())
    if abs(total - 100) > 1e-6:
        raise ValidationError(N_("The weights add up to {total}%, not 100%."), field="weights",
                              total=f"{total:g}")
    return weights


def parse_raters(text: str | None) -> tuple[str, ...]:
    """The rater sides a scheme or sheet names ("self", "self,supervisor"), in the usual order;
    all three when it names none (sheets from before raters were kept)."""
    named = {part.strip() for part in (text or "").split(",")}
    return tuple(r for r in RATERS if r in named) or RATERS


def rater_weights(raters: tuple[str, ...], weights: dict[str, float]) -> dict[str, float]:
    """The weights a sheet scored by *raters* takes from its scheme's *weights*: 0 for a side
    that does not rate, the others scaled to 100 % together (a single rater is 100 %; sides
    the scheme weighs at 0 share equally when all of them are 0)."""
    present = {r: max(weights.get(r) or 0.0, 0.0) for r in RATERS if r in raters}
    total_w = sum(present.values())
    if not present:
        return {r: 0.0 for r in RATERS}
    if total_w <= 0:
        present = {r: 1.0 for r in present}
        total_w = float(len(present))
    return {r: present[r] * 100 / total_w if r in present else 0.0 for r in RATERS}


def check_points(points: float, max_points: float) -> float:
    """A rater's points for one criterion: within 0 and the criterion's maximum."""
    if points is None or points != points:  # NaN
        raise ValidationError(N_("Type a number of points."), field="points")
    if points < 0:
        raise ValidationError(N_("Points cannot be below 0."), field="points")
    if points > max_points + 1e-9:
        raise ValidationError(N_("{points} is above this item's maximum of {max}."), field="points",
                              points=f"{points:g}", max=f"{max_points:g}")
    return float(points)


@dataclass(frozen=True)
class CriterionParts:
    """How one criterion's score came about."""

    self: float | None
    supervisor: float | None
    peer: float | None  # the peers' mean
    peer_count: int
    weights_used: dict[str, float]  # the weights after leaving out raters who gave none
    score: float | None  # None while nobody has rated it


def criterion_score(self_pts: float | None, supervisor_pts: float | None, peer_mean: float | None,
                    peer_count: int, weights: dict[str, float], max_points: float) -> CriterionParts:
    """The weighted score of one criterion.

    A rater side that gave nothing (no peers were asked, say) is left out and the others'
    weights are scaled up to 100 %, so a missing side neither drags the score to zero nor
    lifts it.
    """
    given = {"self": self_pts, "supervisor": supervisor_pts, "peer": peer_mean if peer_count else None}
    present = {r: weights[r] for r, v in given.items() if v is not None and weights[r] > 0}
    total_w = sum(present.values())
    if not present or total_w <= 0:
        return CriterionParts(self_pts, supervisor_pts, peer_mean, peer_count, {}, None)
    used = {r: w * 100 / total_w for r, w in present.items()}
    score = sum((given[r] or 0.0) * used[r] / 100 for r in used)  # each r in used gave points
    return CriterionParts(self_pts, supervisor_pts, peer_mean, peer_count, used, min(score, max_points))


@dataclass(frozen=True)
class RuleParts:
    """The points one rule gives on a sheet: count × points, held to the rule's cap."""

    rule_id: int | None
    kind: str  # deduction | bonus
    points: float  # per occurrence, positive
    count: float
    cap: float | None
    raw: float
    applied: float  # after the cap, positive

    @property
    def capped(self) -> bool:
        return self.applied < self.raw


def rule_points(rule_id: int | None, kind: str, points: float, count: float, cap: float | None) -> RuleParts:
    raw = abs(points) * count
    applied = min(raw, cap) if cap is not None and cap >= 0 else raw
    return RuleParts(rule_id, kind, abs(points), count, cap, raw, applied)


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def band_for(score: float | None,
             bands: Sequence[tuple[str, str, float]] = DEFAULT_BANDS) -> tuple[str, str] | None:
    """The (name_zh, name_en) of the highest band whose minimum the score reaches."""
    if score is None:
        return None
    ordered = sorted(bands, key=lambda b: b[2], reverse=True)
    for name_zh, name_en, minimum in ordered:
        if score + 1e-9 >= minimum:
            return name_zh, name_en
    return (ordered[-1][0], ordered[-1][1]) if ordered else None


@dataclass(frozen=True)
class Total:
    """A sheet's figure and every part of it."""

    rated: float  # the criteria's weighted scores added up
    deductions: float  # confirmed, after rule caps and the sheet cap
    bonuses: float
    raw: float  # rated − deductions + bonuses
    score: float  # clamped to the range and rounded
    band: tuple[str, str] | None
    criteria_rated: int
    criteria_total: int
    rules: list[RuleParts] = field(default_factory=list)
    deduction_cap: float | None = None  # per sheet
    bonus_cap: float | None = None
    clamped: bool = False

    @property
    def complete(self) -> bool:
        return self.criteria_rated == self.criteria_total


def total(criteria: list[CriterionParts], rules: list[RuleParts], low: float, high: float,
          bands: Sequence[tuple[str, str, float]] = DEFAULT_BANDS, deduction_cap: float | None = None,
          bonus_cap: float | None = None) -> Total:
    """Weighted criteria plus bonuses minus deductions, each held to its caps, clamped and banded."""
    rated = sum(c.score for c in criteria if c.score is not None)
    deductions = sum(r.applied for r in rules if r.kind == "deduction")
    bonuses = sum(r.applied for r in rules if r.kind == "bonus")
    if deduction_cap is not None:
        deductions = min(deductions, deduction_cap)
    if bonus_cap is not None:
        bonuses = min(bonuses, bonus_cap)
    raw = rated - deductions + bonuses
    score = round1(clamp(raw, low, high))
    return Total(rated, deductions, bonuses, raw, score, band_for(score, bands),
                 sum(1 for c in criteria if c.score is not None), len(criteria), rules,
                 deduction_cap, bonus_cap, clamped=not (low <= raw <= high))
