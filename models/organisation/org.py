"""The organisation: departments, positions and how each position is appraised.

Chinese text is stored as the source document writes it; ``source_doc`` and
``source_section`` say where each position was read from.
"""


from typing import ClassVar

import peewee as pw

from duty_desk.models.storage.base import BaseModel, Key
from duty_desk.models import clock

PERIODS = ("month", "quarter", "half", "year")
ROLES = ("officer", "lead", "supervisor", "admin")  # 值班員, 值班長, 上級, 管理員


class Department(BaseModel):
    key = pw.CharField(unique=True)
    name_zh = pw.CharField()
    name_en = pw.CharField()
    sort = pw.IntegerField(default=0)
    seeded = pw.TextField(null=True)  # JSON: the values the last seed load wrote (seed/loader.py)
    # Not NULL: no document states this name; it was chosen here, and the text says why.
    local_note = pw.TextField(null=True)


class Scheme(BaseModel):
    """An appraisal scheme (考核辦法): scored criteria, bands, a period, rater weights."""

    key = pw.CharField(unique=True)
    name_zh = pw.CharField()
    name_en = pw.CharField()
    period = pw.CharField(default="month")
    min_score = pw.FloatField(default=0)
    max_score = pw.FloatField(default=100)
    weight_self = pw.FloatField(default=20)
    weight_supervisor = pw.FloatField(default=60)
    weight_peer = pw.FloatField(default=20)
    source_doc = pw.CharField(default="")
    seeded = pw.TextField(null=True)
    raters = pw.CharField(default="self,supervisor,peer")  # who scores its sheets
    feeds = pw.CharField(null=True)  # the key of a longer period's scheme its sheets are shown beside


class Criterion(BaseModel):
    """One scored item (考核要素) of a scheme, with its group (考核項目) and maximum."""

    scheme = pw.ForeignKeyField(Scheme, backref="criteria", on_delete="CASCADE")
    scheme_id: ClassVar[Key[int]]
    seq = pw.IntegerField()
    group_zh = pw.CharField(default="")
    group_en = pw.CharField(default="")
    name_zh = pw.CharField()
    name_en = pw.CharField(default="")
    max_points = pw.FloatField()
    measure = pw.TextField(default="")  # 衡量標準

    class Meta:
        indexes = ((("scheme", "seq"), True),)


class Band(BaseModel):
    """A grade band (等級): a score at or above ``min_score`` earns it."""

    scheme = pw.ForeignKeyField(Scheme, backref="bands", on_delete="CASCADE")
    scheme_id: ClassVar[Key[int]]
    name_zh = pw.CharField()
    name_en = pw.CharField()
    min_score = pw.FloatField()


class Position(BaseModel):
    """A job (崗位) as one source document describes it."""

    key = pw.CharField(unique=True)
    title_zh = pw.CharField()
    title_en = pw.CharField(default="")
    department = pw.ForeignKeyField(Department, backref="positions")
    department_id: ClassVar[Key[int]]
    source_doc = pw.CharField()
    source_section = pw.CharField(default="")
    period = pw.CharField(null=True)
    scheme = pw.ForeignKeyField(Scheme, null=True, backref="positions")
    scheme_id: ClassVar[Key[int | None]]
    seeded = pw.TextField(null=True)
    retired = pw.DateTimeField(null=True)  # the documents dropped it; its people keep it
    # Not NULL: a title or mapping no document states, chosen here; the text says what.
    local_note = pw.TextField(null=True)


class PositionItem(BaseModel):
    """A numbered line of a position: a duty, a standard or an appraisal point."""

    KINDS = ("duty", "standard", "appraisal")

    position = pw.ForeignKeyField(Position, backref="items", on_delete="CASCADE")
    position_id: ClassVar[Key[int]]
    kind = pw.CharField()
    seq = pw.IntegerField()
    text = pw.TextField()
    seeded = pw.TextField(null=True)
    retired = pw.DateTimeField(null=True)

    class Meta:
        # Unique among the lines in force (a partial index, migration 0009).
        indexes = ((("position", "kind", "seq"), True),)


class DepartmentItem(BaseModel):
    """A line a document gives a department itself, not one of its positions: a duty
    (部門職責), a standard, or an appraisal criterion (考核標準)."""

    KINDS = PositionItem.KINDS

    department = pw.ForeignKeyField(Department, backref="items", on_delete="CASCADE")
    department_id: ClassVar[Key[int]]
    key = pw.CharField()  # the seed files' key of the passage the lines come from
    source_doc = pw.CharField()
    source_section = pw.CharField(default="")
    kind = pw.CharField()
    seq = pw.IntegerField()
    text = pw.TextField()
    seeded = pw.TextField(null=True)
    retired = pw.DateTimeField(null=True)

    class Meta:
        table_name = "department_item"
        # Unique among the lines in force (a partial index, migration 0010).
        indexes = ((("key", "kind", "seq"), True),)


BASES = ("occurrence", "shortfall", "late", "graded", "measured")
EVERY = ("hour", "day", "workday", "week", "month", "half", "year")


class Rule(BaseModel):
    """A deduction or bonus per countable fact ("少開一次調度會扣1分"), and how it applies.

    ``basis`` says how the fact is found (``models.appraisal.rules``): recorded per occurrence about a
    person; a *shortfall* of ``activity`` entries against ``times`` per ``every``; *late*
    against ``due``; a *graded* choice among ``grades``; a *measured* value against
    ``target`` in steps of ``step``. ``local`` names the parameters no document gives.
    """

    position = pw.ForeignKeyField(Position, backref="rules", on_delete="CASCADE")
    position_id: ClassVar[Key[int]]
    seq = pw.IntegerField()
    fact = pw.TextField()
    kind = pw.CharField(default="deduction")  # deduction | bonus
    points = pw.FloatField()
    unit = pw.CharField(default="次")
    cap = pw.FloatField(null=True)
    fine = pw.FloatField(null=True)  # yuan
    code = pw.CharField(null=True, index=True)  # a duty fact the program counts
    seeded = pw.TextField(null=True)  # NULL: an administrator's rule, not a document's
    retired = pw.DateTimeField(null=True)  # kept for past scoresheets, proposes nothing new
    basis = pw.CharField(default="occurrence")
    activity = pw.CharField(null=True)  # log category keys, comma-separated
    every = pw.CharField(null=True)  # one of EVERY
    times = pw.IntegerField(default=1)
    grades = pw.CharField(null=True)  # "2,4,6,8,10"
    step = pw.FloatField(null=True)
    target = pw.FloatField(null=True)
    due = pw.CharField(null=True)  # "+1d 09:00": days after the slot starts, and the time
    line = pw.IntegerField(null=True)  # the line of the source document
    local = pw.TextField(null=True)  # which parameters are local choices, and why

    class Meta:
        # Unique among the rules in force (a partial index, migration 0009).
        indexes = ((("position", "seq"), True),)


class PositionScheme(BaseModel):
    """A scheme a position is appraised by; a position may have one per period."""

    position = pw.ForeignKeyField(Position, backref="schemes", on_delete="CASCADE")
    position_id: ClassVar[Key[int]]
    scheme = pw.ForeignKeyField(Scheme, backref="position_links", on_delete="CASCADE")
    scheme_id: ClassVar[Key[int]]

    class Meta:
        table_name = "position_scheme"
        indexes = ((("position", "scheme"), True),)


class Person(BaseModel):
    """A member of staff: their position and their role in the duty office."""

    name = pw.CharField()
    position = pw.ForeignKeyField(Position, null=True, backref="people")
    position_id: ClassVar[Key[int | None]]
    role = pw.CharField(default="officer")
    active = pw.BooleanField(default=True)
    created = pw.DateTimeField(default=clock.now)


ORG_MODELS = [Department, Scheme, Criterion, Band, Position, PositionItem, DepartmentItem, Rule, PositionScheme,
              Person]
