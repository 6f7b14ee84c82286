"""The duty roster (值班表): posts, shift templates, who is on which shift, leave.

The office covers 24 hours: every shift has a shift lead (值班長) and duty officers (值班員)
grouped by post (an area or business line). An assignment keeps its own start and end
(``starts_at``/``ends_at``, a night shift ends the next day), so "who is on duty at 03:00"
is one indexed range query and a later change of a shift template leaves history alone.

Rules about a roster (gaps, rest, leave) live in ``models.roster.coverage``; rotations in
``models.roster.rotation``; swaps in ``models.roster.swaps``; check-in in ``models.roster.checkin``.
Other areas use ``on_duty(at)`` and ``shift_at(person_id, at)``: keep them stable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import peewee as pw

from duty_desk.models.storage.base import BaseModel, Key
from duty_desk.models.storage.db import db, writes
from duty_desk.models.errors import N_, DutyError, ValidationError
from duty_desk.models.organisation.org import Person, Position
from duty_desk.models.accounts.session import require
from duty_desk.models import clock
# The roster's forms read dates and times through models/dates.py (re-exported: the screens
# and the command line call them as roster.parse_day …).
from duty_desk.models.dates import parse_day as parse_day, parse_time as parse_time
from duty_desk.models.dates import stored_date, stored_moment

ROLES = ("lead", "officer")  # 值班長, 值班員
ROLE_NAMES = {"lead": N_("shift lead"), "officer": N_("duty officer")}
SOURCES = ("manual", "rotation", "swap")
LEAVE_KINDS = {"leave": N_("leave"), "unavailable": N_("unavailable")}
LONGEST_SHIFT = dt.timedelta(hours=24)  # no shift is longer: bounds every range query

DEFAULTS = {"grace_minutes": "10", "min_rest_hours": "8"}
SETTING_NAMES = {"grace_minutes": N_("grace period (minutes)"),
                 "min_rest_hours": N_("minimum rest between shifts (hours)")}


# ── tables ─────────────────────────────────────────────────────────────────────────────

class Post(BaseModel):
    """An area or business line that officers are grouped by (按區域或業務線分組)."""

    key = pw.CharField(unique=True)
    name_zh = pw.CharField()
    name_en = pw.CharField(default="")
    sort = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)


class Shift(BaseModel):
    """A shift template: a name and its hours; it may cross midnight."""

    key = pw.CharField(unique=True)
    name_zh = pw.CharField()
    name_en = pw.CharField(default="")
    start_time = pw.CharField()  # "HH:MM"
    end_time = pw.CharField()
    sort = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)


class ShiftNeed(BaseModel):
    """How many shift leads and duty officers a post needs on a shift."""

    shift = pw.ForeignKeyField(Shift, backref="needs", on_delete="CASCADE", index=False)
    shift_id: ClassVar[Key[int]]
    post = pw.ForeignKeyField(Post, backref="needs", on_delete="CASCADE")
    post_id: ClassVar[Key[int]]
    leads = pw.IntegerField(default=0)
    officers = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("shift", "post"), True),)


class Rotation(BaseModel):
    """A repeating pattern (day–night–off–off, a week of each …) over its members."""

    name = pw.CharField()
    pattern = pw.TextField()
    post = pw.ForeignKeyField(Post, backref="rotations")
    post_id: ClassVar[Key[int]]
    role = pw.CharField(default="officer")
    anchor = pw.DateField()  # the day the pattern's first step falls on for phase 0
    author = pw.ForeignKeyField(Person, null=True, backref="+")
    author_id: ClassVar[Key[int | None]]
    created = pw.DateTimeField(default=clock.now)


class RotationMember(BaseModel):
    rotation = pw.ForeignKeyField(Rotation, backref="members", on_delete="CASCADE", index=False)
    rotation_id: ClassVar[Key[int]]
    person = pw.ForeignKeyField(Person, backref="+")
    person_id: ClassVar[Key[int]]
    phase = pw.IntegerField(default=0)  # steps ahead of the anchor

    class Meta:
        indexes = ((("rotation", "person"), True),)


class Assignment(BaseModel):
    """One person on one shift of one day at one post, as lead or officer."""

    person = pw.ForeignKeyField(Person, backref="assignments", index=False)
    person_id: ClassVar[Key[int]]
    day = pw.DateField()
    shift = pw.ForeignKeyField(Shift, backref="assignments")
    shift_id: ClassVar[Key[int]]
    post = pw.ForeignKeyField(Post, backref="assignments")
    post_id: ClassVar[Key[int]]
    role = pw.CharField(default="officer")
    starts_at = pw.DateTimeField(index=True)
    ends_at = pw.DateTimeField()
    source = pw.CharField(default="manual")
    rotation = pw.ForeignKeyField(Rotation, null=True, on_delete="SET NULL", backref="+", index=False)
    rotation_id: ClassVar[Key[int | None]]
    author = pw.ForeignKeyField(Person, null=True, backref="+")
    author_id: ClassVar[Key[int | None]]
    created = pw.DateTimeField(default=clock.now)

    class Meta:
        indexes = (
            (("person", "day", "shift"), True),
            (("day", "shift", "post"), False),
            (("person", "starts_at"), False),
            (("rotation", "day"), False),
        )


class RotationSkip(BaseModel):
    """A day a person was taken off their rotation by hand: regenerating leaves it off."""

    rotation = pw.ForeignKeyField(Rotation, on_delete="CASCADE", backref="+", index=False)
    rotation_id: ClassVar[Key[int]]
    person = pw.ForeignKeyField(Person, backref="+")
    person_id: ClassVar[Key[int]]
    day = pw.DateField()

    class Meta:
        indexes = ((("rotation", "person", "day"), True),)


class Leave(BaseModel):
    """Leave or unavailability over whole days, first and last day included."""

    person = pw.ForeignKeyField(Person, backref="leaves", index=False)
    person_id: ClassVar[Key[int]]
    first_day = pw.DateField()
    last_day = pw.DateField()
    kind = pw.CharField(default="leave")
    note = pw.TextField(default="")
    author = pw.ForeignKeyField(Person, null=True, backref="+")
    author_id: ClassVar[Key[int | None]]
    created = pw.DateTimeField(default=clock.now)

    class Meta:
        table_name = "leave"
        indexes = ((("person", "first_day"), False),)


class Holiday(BaseModel):
    """A public holiday: duties on it count apart in the fairness view."""

    day = pw.DateField(unique=True)
    name_zh = pw.CharField()
    name_en = pw.CharField(default="")


class RosterSetting(BaseModel):
    key = pw.CharField(primary_key=True)
    value = pw.TextField()


class WarningAcceptance(BaseModel):
    """A lead saw a roster warning and accepted it; the warning stays, marked accepted."""

    key = pw.CharField(unique=True)
    accepted_by = pw.ForeignKeyField(Person, null=True, backref="+")
    accepted_by_id: ClassVar[Key[int | None]]
    accepted_at = pw.DateTimeField()
    note = pw.TextField(default="")


# ── plain data for screens and other areas ─────────────────────────────────────────────

@dataclass(frozen=True)
class PostRow:
    id: int
    key: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class ShiftRow:
    id: int
    key: str
    name_zh: str
    name_en: str
    start: dt.time
    end: dt.time

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    def span(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return shift_span(day, self.start, self.end)


@dataclass(frozen=True)
class NeedRow:
    shift_id: int
    post_id: int
    leads: int
    officers: int


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    role: str  # officer | lead | supervisor | admin (their standing in the office)
    position_zh: str
    position_en: str

    def matches(self, text: str) -> bool:
        hay = f"{self.name} {self.position_zh} {self.position_en} {self.role}".lower()
        return all(word in hay for word in text.lower().split())


@dataclass(frozen=True)
class Duty:
    """One assignment as other areas see it: who, which shift and post, from when to when."""

    assignment_id: int
    person_id: int
    person_name: str
    role: str  # lead | officer
    day: dt.date
    shift_id: int
    shift_key: str
    shift_zh: str
    shift_en: str
    post_id: int
    post_key: str
    post_zh: str
    post_en: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    source: str = "manual"

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


@dataclass(frozen=True)
class LeaveRow:
    id: int
    person_id: int
    person_name: str
    first_day: dt.date
    last_day: dt.date
    kind: str
    note: str


# ── times ──────────────────────────────────────────────────────────────────────────────

def shift_span(day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """When a shift of *day* starts and ends; one that ends at or before its start ends next day."""
    starts = dt.datetime.combine(day, start)
    ends = dt.datetime.combine(day, end)
    if ends <= starts:
        ends += dt.timedelta(days=1)
    return starts, ends


def check_range(first: dt.date, last: dt.date, field: str = "last") -> None:
    if last < first:
        raise ValidationError(N_("The range ends before it starts: {first} to {last}."),
                              field=field, first=first.isoformat(), last=last.isoformat())


def week_of(day: dt.date) -> dt.date:
    """The Monday of *day*'s week."""
    return day - dt.timedelta(days=day.weekday())


# ── reads ──────────────────────────────────────────────────────────────────────────────

def posts() -> list[PostRow]:
    rows = db.execute_sql("SELECT id, key, name_zh, name_en FROM post WHERE active ORDER BY sort, id")
    return [PostRow(*r) for r in rows]


def shifts() -> list[ShiftRow]:
    rows = db.execute_sql("SELECT id, key, name_zh, name_en, start_time, end_time FROM shift WHERE active "
                          "ORDER BY sort, start_time, id")
    return [ShiftRow(i, k, zh, en, parse_time(start), parse_time(end)) for i, k, zh, en, start, end in rows]


def needs() -> dict[tuple[int, int], NeedRow]:
    """(shift id, post id) → what that post needs on that shift."""
    rows = db.execute_sql("SELECT shift_id, post_id, leads, officers FROM shift_need")
    return {(r[0], r[1]): NeedRow(*r) for r in rows}


def people() -> list[PersonRow]:
    query = (Person.select(Person, Position).join(Position, pw.JOIN.LEFT_OUTER)
             .where(Person.active == True).order_by(Person.name))  # noqa: E712
    return [PersonRow(p.id, p.name, p.role, p.position.title_zh if p.position else "",
                      p.position.title_en if p.position else "") for p in query]


def person_name(person_id: int) -> str:
    return Person.select(Person.name).where(Person.id == person_id).scalar() or f"#{person_id}"


_DUTY_SQL = """
SELECT a.id, a.person_id, p.name, a.role, a.day, a.shift_id, s.key, s.name_zh, s.name_en,
       a.post_id, o.key, o.name_zh, o.name_en, a.starts_at, a.ends_at, a.source
FROM assignment a JOIN person p ON p.id = a.person_id
JOIN shift s ON s.id = a.shift_id JOIN post o ON o.id = a.post_id
"""


def _duties(where: str, params: tuple[object, ...],
            order: str = "a.starts_at, s.sort, o.sort, a.role, p.name") -> list[Duty]:
    rows = db.execute_sql(f"{_DUTY_SQL} WHERE {where} ORDER BY {order}", params).fetchall()
    return [Duty(r[0], r[1], r[2], r[3], stored_date(r[4]), r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
                 stored_moment(r[13]), stored_moment(r[14]), r[15]) for r in rows]


def _ts(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def duties_between(first_day: dt.date, last_day: dt.date, post_id: int | None = None,
                   person_id: int | None = None) -> list[Duty]:
    """Every duty whose roster day is in ``[first_day, last_day]``, in time order."""
    where = "a.day >= ? AND a.day <= ?"
    params: list[object] = [first_day.isoformat(), last_day.isoformat()]
    if post_id is not None:  # "+": the day range narrows best, not the post's whole history
        where += " AND +a.post_id = ?"
        params.append(post_id)
    if person_id is not None:
        where += " AND a.person_id = ?"
        params.append(person_id)
    return _duties(where, tuple(params))


def duty(assignment_id: int) -> Duty | None:
    found = _duties("a.id = ?", (assignment_id,))
    return found[0] if found else None


def on_duty(at: dt.datetime) -> list[Duty]:
    """Everyone on duty at *at*: shift leads first, then officers by post and name."""
    return _duties("a.starts_at <= ? AND a.starts_at > ? AND a.ends_at > ?",
                   (_ts(at), _ts(at - LONGEST_SHIFT), _ts(at)),
                   order="CASE a.role WHEN 'lead' THEN 0 ELSE 1 END, o.sort, o.id, p.name")


def on_duty_during(start: dt.datetime, end: dt.datetime) -> list[Duty]:
    """Every duty under way at some moment of ``[start, end)``, in ``on_duty``'s order: one
    query for a window, where asking ``on_duty`` moment by moment would take one each."""
    return _duties("a.starts_at < ? AND a.starts_at > ? AND a.ends_at > ?",
                   (_ts(end), _ts(start - LONGEST_SHIFT), _ts(start)),
                   order="CASE a.role WHEN 'lead' THEN 0 ELSE 1 END, o.sort, o.id, p.name")


def shift_at(person_id: int, at: dt.datetime) -> Duty | None:
    """The duty *person_id* is on at *at* (their shift and post), or None."""
    found = _duties("a.person_id = ? AND a.starts_at <= ? AND a.starts_at > ? AND a.ends_at > ?",
                    (person_id, _ts(at), _ts(at - LONGEST_SHIFT), _ts(at)))
    return found[0] if found else None


def leaves_between(first_day: dt.date, last_day: dt.date, person_id: int | None = None) -> list[LeaveRow]:
    query = (Leave.select(Leave, Person.name).join(Person)
             .where(Leave.first_day <= last_day, Leave.last_day >= first_day))
    if person_id is not None:
        query = query.where(Leave.person == person_id)
    return [LeaveRow(r.id, r.person_id, r.person.name, r.first_day, r.last_day, r.kind, r.note)
            for r in query.order_by(Leave.first_day, Leave.id)]


def holidays_between(first_day: dt.date, last_day: dt.date) -> dict[dt.date, str]:
    query = Holiday.select().where(Holiday.day >= first_day, Holiday.day <= last_day)
    return {h.day: h.name_zh or h.name_en for h in query}


def setting(key: str) -> int:
    """A roster setting as a number: ``grace_minutes`` (10) or ``min_rest_hours`` (8)."""
    value = RosterSetting.select(RosterSetting.value).where(RosterSetting.key == key).scalar()
    return int(value if value is not None else DEFAULTS[key])


def clash(person_id: int, starts_at: dt.datetime, ends_at: dt.datetime,
          ignore: tuple[int, ...] = ()) -> Duty | None:
    """The person's duty that overlaps ``[starts_at, ends_at)``, if any: a double booking."""
    where = "a.person_id = ? AND a.starts_at < ? AND a.ends_at > ? AND a.starts_at > ?"
    params: list[object] = [person_id, _ts(ends_at), _ts(starts_at), _ts(starts_at - LONGEST_SHIFT)]
    if ignore:
        where += f" AND a.id NOT IN ({','.join('?' * len(ignore))})"
        params += list(ignore)
    found = _duties(where, tuple(params))
    return found[0] if found else None


def double_booking(person_id: int, starts_at: dt.datetime, ends_at: dt.datetime,
                   ignore: tuple[int, ...] = (), field: str = "person") -> None:
    """Refuse a duty that would put a person in two places at once."""
    other = clash(person_id, starts_at, ends_at, ignore)
    if other is not None:
        raise DutyError(N_("{name} is already on duty then: {shift} on {day} at {post}."), field=field,
                        name=other.person_name, shift=other.shift_zh or other.shift_en,
                        day=other.day.isoformat(), post=other.post_zh or other.post_en)


def find_person(name: str, field: str = "person") -> int:
    """The active person called *name* (or the only one whose name contains it)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(N_("Type a name."), field=field)
    active = Person.select(Person.id, Person.name).where(Person.active == True)  # noqa: E712
    exact = [p.id for p in active.where(Person.name == name)]
    if len(exact) == 1:
        return exact[0]
    partial = [p.id for p in active.where(Person.name.contains(name))]
    if len(partial) == 1 and not exact:
        return partial[0]
    if exact or len(partial) > 1:
        raise ValidationError(N_("{name} matches several people: type more of the name."), field=field, name=name)
    raise ValidationError(N_("{name} is not on the staff list."), field=field, name=name)


# ── writes ─────────────────────────────────────────────────────────────────────────────

def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(N_("This cannot be empty."), field=field)
    return value


@writes
def add_post(key: str, name_zh: str, name_en: str = "", sort: int | None = None) -> int:
    require("roster.edit")
    key = _text(key, "key")
    name_zh = _text(name_zh, "name_zh")
    if Post.select().where(Post.key == key).exists():
        raise ValidationError(N_("A post with the key {key} exists already."), field="key", key=key)
    if sort is None:
        sort = (Post.select(pw.fn.MAX(Post.sort)).scalar() or 0) + 1
    return Post.insert(key=key, name_zh=name_zh, name_en=(name_en or "").strip(), sort=sort).execute()


@writes
def add_shift(key: str, name_zh: str, name_en: str, start: str, end: str,
              needs_by_post: dict[int, tuple[int, int]] | None = None, sort: int | None = None) -> int:
    """A new shift template from typed text; *needs_by_post*: post id → (leads, officers)."""
    require("roster.edit")
    name_zh = _text(name_zh, "name_zh")
    start_t = parse_time(start, "start")
    end_t = parse_time(end, "end")
    if start_t == end_t:
        raise ValidationError(N_("A shift cannot end when it starts."), field="end")
    key = (key or "").strip() or f"shift-{start_t:%H%M}-{end_t:%H%M}"
    if Shift.select().where(Shift.key == key).exists():
        raise ValidationError(N_("A shift with the key {key} exists already."), field="key", key=key)
    if sort is None:
        sort = (Shift.select(pw.fn.MAX(Shift.sort)).scalar() or 0) + 1
    shift_id = Shift.insert(key=key, name_zh=name_zh, name_en=(name_en or "").strip(),
                            start_time=f"{start_t:%H:%M}", end_time=f"{end_t:%H:%M}", sort=sort).execute()
    for post_id, (leads, officers) in (needs_by_post or {}).items():
        set_need(shift_id, post_id, leads, officers)
    return shift_id


@writes
def set_need(shift_id: int, post_id: int, leads: int, officers: int) -> None:
    require("roster.edit")
    if leads < 0 or officers < 0:
        raise ValidationError(N_("A number of people cannot be negative."), field="officers")
    (ShiftNeed.insert(shift=shift_id, post=post_id, leads=leads, officers=officers)
     .on_conflict(conflict_target=[ShiftNeed.shift, ShiftNeed.post],
                  update={ShiftNeed.leads: leads, ShiftNeed.officers: officers}).execute())


@writes
def set_setting(key: str, value: int) -> None:
    require("roster.edit")
    if key not in DEFAULTS:
        raise KeyError(key)
    if int(value) < 0:
        raise ValidationError(N_("A number of people cannot be negative."), field=key)
    (RosterSetting.insert(key=key, value=str(int(value)))
     .on_conflict(conflict_target=[RosterSetting.key], update={RosterSetting.value: str(int(value))}).execute())


@writes
def assign(person_id: int, day: dt.date, shift_id: int, post_id: int, role: str = "officer",
           source: str = "manual") -> int:
    """Put a person on a shift; refused only when they would be in two places at once."""
    actor = require("roster.edit")
    if role not in ROLES:
        raise ValueError(f"unknown roster role {role!r}")
    shift = Shift.get_or_none(Shift.id == shift_id)
    if shift is None or not Post.select().where(Post.id == post_id).exists():
        raise DutyError(N_("That shift or post no longer exists."))
    if not Person.select().where(Person.id == person_id, Person.active == True).exists():  # noqa: E712
        raise DutyError(N_("That person is not on the staff list."), field="person")
    starts_at, ends_at = shift_span(day, parse_time(shift.start_time), parse_time(shift.end_time))
    double_booking(person_id, starts_at, ends_at)
    return Assignment.insert(person=person_id, day=day, shift=shift_id, post=post_id, role=role,
                             starts_at=starts_at, ends_at=ends_at, source=source,
                             author=actor.id).execute()


@writes
def remove(assignment_id: int) -> None:
    """Take a duty off the roster; a rotation's duty stays off when the rotation is regenerated."""
    require("roster.edit")
    row = Assignment.get_or_none(Assignment.id == assignment_id)
    if row is None:
        raise DutyError(N_("That duty is no longer on the roster."))
    if row.rotation_id is not None:
        RotationSkip.insert(rotation=row.rotation_id, person=row.person_id, day=row.day).on_conflict_ignore().execute()
    row.delete_instance()


@writes
def set_role(assignment_id: int, role: str) -> None:
    require("roster.edit")
    if role not in ROLES:
        raise ValueError(f"unknown roster role {role!r}")
    if not Assignment.update(role=role).where(Assignment.id == assignment_id).execute():
        raise DutyError(N_("That duty is no longer on the roster."))


@writes
def add_leave(person_id: int, first_day: dt.date, last_day: dt.date, kind: str = "leave", note: str = "") -> int:
    actor = require("roster.edit")
    check_range(first_day, last_day)
    if kind not in LEAVE_KINDS:
        raise ValueError(f"unknown leave kind {kind!r}")
    return Leave.insert(person=person_id, first_day=first_day, last_day=last_day, kind=kind,
                        note=note or "", author=actor.id).execute()


@writes
def add_holiday(day: dt.date, name_zh: str, name_en: str = "") -> int:
    require("roster.edit")
    return (Holiday.insert(day=day, name_zh=_text(name_zh, "name_zh"), name_en=name_en or "")
            .on_conflict(conflict_target=[Holiday.day],
                         update={Holiday.name_zh: name_zh, Holiday.name_en: name_en or ""})
            .execute())


ROSTER_MODELS = [Post, Shift, ShiftNeed, Rotation, RotationMember, Assignment, RotationSkip, Leave, Holiday,
                 RosterSetting, WarningAcceptance]
