"""Appraisal tables: a period, a scoresheet per person, its items, ratings, deductions, events.

A scoresheet copies its scheme's criteria (as ``SheetItem``), weights, range and bands when
the period opens, so editing a scheme later never changes a sheet already scored or
approved. Deductions and bonuses (``Adjustment``) copy their rule's text, points and cap
for the same reason, and keep the duty fact behind them (``duty_fact``, ``source``,
``ref_id``) as evidence.
"""

from __future__ import annotations


from typing import ClassVar

import peewee as pw

from duty_desk.models.storage.base import BaseModel, Key
from duty_desk.models.errors import N_, DutyError
from duty_desk.models.appraisal.facts import DutyFact
from duty_desk.models.organisation.org import Person, Position, Rule, Scheme
from duty_desk.models import clock

# The workflow, in order. approved and acknowledged are locked.
STATES = ("draft", "self_assessed", "reviewed", "approved", "acknowledged")
LOCKED = ("approved", "acknowledged")
STATE_NAMES = {
    "draft": N_("draft"),
    "self_assessed": N_("self-assessed"),
    "reviewed": N_("reviewed"),
    "approved": N_("approved"),
    "acknowledged": N_("acknowledged"),
}
ADJUSTMENT_STATUS = ("proposed", "confirmed", "rejected")
STATUS_NAMES = {"proposed": N_("proposed"), "confirmed": N_("confirmed"), "rejected": N_("rejected")}
RATER_NAMES = {"self": N_("self"), "supervisor": N_("supervisor"), "peer": N_("peers")}


class AppraisalPeriod(BaseModel):
    key = pw.CharField(unique=True)  # 2026-09, 2026-Q3, 2026-H2, 2026
    kind = pw.CharField()  # month | quarter | half | year
    starts = pw.DateField()
    ends = pw.DateField()  # the day after the last, so a period is [starts, ends)
    opened_at = pw.DateTimeField(default=clock.now)
    opened_by = pw.IntegerField(null=True)


class Scoresheet(BaseModel):
    period = pw.ForeignKeyField(AppraisalPeriod, backref="sheets", on_delete="CASCADE")
    period_id: ClassVar[Key[int]]
    person = pw.ForeignKeyField(Person, backref="scoresheets")
    person_id: ClassVar[Key[int]]
    position = pw.ForeignKeyField(Position, null=True)
    position_id: ClassVar[Key[int | None]]
    scheme = pw.ForeignKeyField(Scheme, null=True)
    scheme_id: ClassVar[Key[int | None]]
    state = pw.CharField(default="draft")
    raters = pw.CharField(default="self,supervisor,peer")  # who scores it, copied from its scheme (0012)
    weight_self = pw.FloatField()
    weight_supervisor = pw.FloatField()
    weight_peer = pw.FloatField()
    min_score = pw.FloatField()
    max_score = pw.FloatField()
    deduction_cap = pw.FloatField(null=True)  # most points deducted on the sheet
    bonus_cap = pw.FloatField(null=True)
    bands = pw.TextField(default="")  # "优秀|Excellent|90;良好|Good|80;…"
    created = pw.DateTimeField(default=clock.now)
    updated = pw.DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("period", "person"), True),)


class SheetItem(BaseModel):
    """One criterion as it stood on the sheet: 考核项目, 考核要素, 衡量标准, maximum."""

    sheet = pw.ForeignKeyField(Scoresheet, backref="items", on_delete="CASCADE")
    sheet_id: ClassVar[Key[int]]
    seq = pw.IntegerField()
    group_zh = pw.CharField(default="")
    group_en = pw.CharField(default="")
    name_zh = pw.CharField()
    name_en = pw.CharField(default="")
    max_points = pw.FloatField()
    measure = pw.TextField(default="")

    class Meta:
        indexes = ((("sheet", "seq"), True),)


class Rating(BaseModel):
    """One rater's points and comment on one item. Peers each hold a slot (their person id)."""

    sheet = pw.ForeignKeyField(Scoresheet, backref="ratings", on_delete="CASCADE")
    sheet_id: ClassVar[Key[int]]
    item = pw.ForeignKeyField(SheetItem, backref="ratings", on_delete="CASCADE")
    item_id: ClassVar[Key[int]]
    rater = pw.CharField()  # self | supervisor | peer
    slot = pw.IntegerField(default=0)
    rater_id = pw.IntegerField(null=True)
    points = pw.FloatField()
    comment = pw.TextField(default="")
    updated = pw.DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("item", "rater", "slot"), True),)


class Adjustment(BaseModel):
    """A deduction or bonus on a sheet: proposed from a duty fact, or added by hand."""

    sheet = pw.ForeignKeyField(Scoresheet, backref="adjustments", on_delete="CASCADE")
    sheet_id: ClassVar[Key[int]]
    rule = pw.ForeignKeyField(Rule, null=True, on_delete="SET NULL")
    rule_id: ClassVar[Key[int | None]]
    kind = pw.CharField()  # deduction | bonus
    code = pw.CharField(null=True)
    fact = pw.TextField()  # the rule's text as written
    points = pw.FloatField()  # per occurrence, positive
    count = pw.FloatField(default=1)
    cap = pw.FloatField(null=True)
    fine = pw.FloatField(null=True)  # yuan, beside the points (罚款50元)
    duty_fact = pw.ForeignKeyField(DutyFact, null=True, column_name="fact_id", on_delete="SET NULL")
    fact_id: ClassVar[Key[int | None]]
    source = pw.CharField(default="manual")
    ref_id = pw.IntegerField(null=True)
    occurred_at = pw.DateTimeField(null=True)
    status = pw.CharField(default="proposed")
    reason = pw.TextField(default="")
    note = pw.TextField(default="")
    created_by = pw.IntegerField(null=True)
    decided_by = pw.IntegerField(null=True)
    decided_at = pw.DateTimeField(null=True)
    created = pw.DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("sheet", "duty_fact"), True),)


class SheetEvent(BaseModel):
    """A step of the workflow, with who took it and why (a reopen always says why).

    An approval's ``reason`` is the score approved (e.g. "86.5"), so ``duty check`` can tell
    when a locked sheet no longer comes to what was approved."""

    sheet = pw.ForeignKeyField(Scoresheet, backref="events", on_delete="CASCADE")
    sheet_id: ClassVar[Key[int]]
    at = pw.DateTimeField(default=clock.now)
    actor_id = pw.IntegerField(null=True)
    action = pw.CharField()
    from_state = pw.CharField(default="")
    to_state = pw.CharField(default="")
    reason = pw.TextField(default="")


APPRAISAL_MODELS = [AppraisalPeriod, Scoresheet, SheetItem, Rating, Adjustment, SheetEvent]


def encode_bands(bands: list[tuple[str, str, float]]) -> str:
    return ";".join(f"{zh}|{en}|{minimum:g}" for zh, en, minimum in bands)


def decode_bands(text: str) -> list[tuple[str, str, float]]:
    bands = []
    for part in filter(None, text.split(";")):
        zh, en, minimum = part.split("|")
        bands.append((zh, en, float(minimum)))
    return bands


# ---- one sheet, for the modules that change it (scoresheets, deductions) -----------------

def get_sheet(sheet_id: int) -> Scoresheet:
    sheet = Scoresheet.get_or_none(Scoresheet.id == sheet_id)
    if sheet is None:
        raise DutyError(N_("That scoresheet no longer exists."))
    return sheet


def ensure_unlocked(sheet: Scoresheet) -> None:
    if sheet.state in LOCKED:
        raise DutyError(N_("This scoresheet is {state} and locked: reopen it first."),
                        state=STATE_NAMES[sheet.state])


def touch_sheet(sheet_id: int) -> None:
    Scoresheet.update(updated=clock.now()).where(Scoresheet.id == sheet_id).execute()
