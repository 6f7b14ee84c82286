"""Rotations: a repeating pattern of shifts that fills the roster over a range of days.

A pattern is written as shift keys and ``-`` for a day off, with ``*N`` to repeat a step:
``D,N,-,-`` is day–night–off–off, ``D*7,N*7,-*7`` a week of each. Each member starts the
pattern at their own phase, so four people on a four-step pattern cover every day.

Generating replaces what the same rotation made before in that range and leaves every other
duty alone: a manual assignment, a swap, a day taken off by hand, leave. With
``overwrite=True`` the members' manual duties in the range go too.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import audit
from .db import db, writes
from .errors import N_, DutyError, ValidationError
from .org import Person
from .roster import (ROLES, Assignment, Leave, Post, Rotation, RotationMember, RotationSkip, Shift, _as_date,
                     _as_datetime, _ts, check_range, parse_time, shift_span)
from .session import require

OFF = ("-", "off", "休")
_STEP = re.compile(r"^(?P<key>[^*×x]+?)\s*(?:[*×x]\s*(?P<n>\d+))?$")


@dataclass(frozen=True)
class RotationRow:
    id: int
    name: str
    pattern: str
    post_id: int
    role: str
    anchor: dt.date
    members: list[str] = field(default_factory=list)


@dataclass
class GenerateReport:
    added: int = 0
    replaced: int = 0
    kept: int = 0  # days a member already had another duty then
    on_leave: int = 0
    skipped: int = 0  # days taken off the rotation by hand


def parse_pattern(text: str, shift_keys: dict[str, int] | None = None) -> list[int | None]:
    """``"D,N,-,-"`` → [shift id, shift id, None, None]; a clear refusal for anything unknown."""
    if shift_keys is None:
        shift_keys = {s.key.lower(): s.id for s in Shift.select(Shift.id, Shift.key).where(Shift.active == True)}  # noqa: E712
    steps: list[int | None] = []
    for token in re.split(r"[,\s;，]+", (text or "").strip()):
        if not token:
            continue
        match = _STEP.match(token)
        key = match.group("key").strip().lower() if match else token
        count = int(match.group("n")) if match and match.group("n") else 1
        if count < 1 or count > 366:
            raise ValidationError(N_("A step repeats 1 to 366 times: {token}."), field="pattern", token=token)
        if key in OFF:
            steps += [None] * count
        elif key in shift_keys:
            steps += [shift_keys[key]] * count
        else:
            raise ValidationError(N_("{token} is not a shift; use a shift's key or - for a day off."),
                                  field="pattern", token=token)
    if not steps:
        raise ValidationError(N_("A rotation needs a pattern of shifts, for example D,N,-,-."), field="pattern")
    if all(step is None for step in steps):
        raise ValidationError(N_("The pattern has no shift in it, only days off."), field="pattern")
    return steps


@writes
def create_rotation(name: str, pattern: str, post_id: int, members: list[int], anchor: dt.date,
                    role: str = "officer", phases: list[int] | None = None) -> int:
    """A rotation over *members*; by default their phases are spread evenly over the pattern."""
    actor = require("roster.edit")
    steps = parse_pattern(pattern)
    members = list(dict.fromkeys(members))  # the same person twice is once
    if not members:
        raise ValidationError(N_("A rotation needs at least one person."), field="members")
    if role not in ROLES:
        raise ValueError(f"unknown roster role {role!r}")
    if not Post.select().where(Post.id == post_id).exists():
        raise DutyError(N_("That shift or post no longer exists."))
    name = (name or "").strip() or pattern.strip()
    rotation_id = Rotation.insert(name=name, pattern=pattern.strip(), post=post_id, role=role, anchor=anchor,
                                  author=actor.id).execute()
    if phases is None:
        phases = [i * len(steps) // len(members) for i in range(len(members))]
    rows = [{"rotation": rotation_id, "person": pid, "phase": phase} for pid, phase in zip(members, phases)]
    for chunk in range(0, len(rows), 300):
        RotationMember.insert_many(rows[chunk:chunk + 300]).execute()
    return rotation_id


@writes
def plan(name: str, pattern: str, post_id: int, members: list[int], first_day: dt.date, last_day: dt.date,
         role: str = "officer", overwrite: bool = False) -> GenerateReport:
    """Create a rotation anchored on *first_day* and fill the range: all of it, or nothing."""
    require("roster.edit")
    check_range(first_day, last_day)
    rotation_id = create_rotation(name, pattern, post_id, members, first_day, role=role)
    return generate(rotation_id, first_day, last_day, overwrite=overwrite)


def rotations() -> list[RotationRow]:
    names: dict[int, list[str]] = {}
    for rid, pname in (RotationMember.select(RotationMember.rotation, Person.name).join(Person)
                       .order_by(RotationMember.phase).tuples()):
        names.setdefault(rid, []).append(pname)
    return [RotationRow(r.id, r.name, r.pattern, r.post_id, r.role, r.anchor, names.get(r.id, []))
            for r in Rotation.select().order_by(Rotation.id)]


_INSERT = ("INSERT INTO assignment (person_id, day, shift_id, post_id, role, starts_at, ends_at, source,"
           " rotation_id, author_id, created) VALUES (?, ?, ?, ?, ?, ?, ?, 'rotation', ?, ?, ?)")


@writes
def generate(rotation_id: int, first_day: dt.date, last_day: dt.date, overwrite: bool = False) -> GenerateReport:
    """Fill ``[first_day, last_day]`` from the rotation; see the module's note on what is kept.

    The audit trail gets one summary event for the whole range, not one per duty.
    """
    with audit.bulk("assignment", what="rotation", rotation=rotation_id, first_day=first_day,
                    last_day=last_day, overwrite=overwrite) as summary:
        report = _generate(rotation_id, first_day, last_day, overwrite)
        summary.update(added=report.added, replaced=report.replaced)
    return report


def _generate(rotation_id: int, first_day: dt.date, last_day: dt.date, overwrite: bool) -> GenerateReport:
    actor = require("roster.edit")
    check_range(first_day, last_day)
    rotation = Rotation.get_or_none(Rotation.id == rotation_id)
    if rotation is None:
        raise DutyError(N_("That rotation no longer exists."))
    steps = parse_pattern(rotation.pattern)
    members = [(m.person_id, m.phase) for m in RotationMember.select().where(RotationMember.rotation == rotation_id)]
    if not members:
        raise ValidationError(N_("A rotation needs at least one person."), field="members")
    report = GenerateReport()
    person_ids = [pid for pid, _ in members]

    report.replaced = (Assignment.delete()
                       .where(Assignment.rotation == rotation_id, Assignment.source == "rotation",
                              Assignment.day >= first_day, Assignment.day <= last_day).execute())
    skips: set[tuple[int, dt.date]] = set()
    if overwrite:
        for chunk in _chunks(person_ids):
            Assignment.delete().where(Assignment.person.in_(chunk), Assignment.day >= first_day,
                                      Assignment.day <= last_day, Assignment.source != "rotation").execute()
        RotationSkip.delete().where(RotationSkip.rotation == rotation_id, RotationSkip.day >= first_day,
                                    RotationSkip.day <= last_day).execute()
    else:
        skips = {(pid, _as_date(day)) for pid, day in
                 RotationSkip.select(RotationSkip.person, RotationSkip.day)
                 .where(RotationSkip.rotation == rotation_id, RotationSkip.day >= first_day,
                        RotationSkip.day <= last_day).tuples()}

    # What the members already have around the range: generating never double-books.
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    lo, hi = _ts(dt.datetime.combine(first_day, dt.time()) - dt.timedelta(days=1)), \
        _ts(dt.datetime.combine(last_day, dt.time()) + dt.timedelta(days=2))
    for chunk in _chunks(person_ids):
        marks = ",".join("?" * len(chunk))
        for pid, starts, ends in db.execute_sql(
                f"SELECT person_id, starts_at, ends_at FROM assignment WHERE person_id IN ({marks})"
                " AND starts_at < ? AND ends_at > ?", (*chunk, hi, lo)):
            busy.setdefault(pid, []).append((_as_datetime(starts), _as_datetime(ends)))
    leave: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for chunk in _chunks(person_ids):
        for pid, first, last in (Leave.select(Leave.person, Leave.first_day, Leave.last_day)
                                 .where(Leave.person.in_(chunk), Leave.first_day <= last_day,
                                        Leave.last_day >= first_day).tuples()):
            leave.setdefault(pid, []).append((_as_date(first), _as_date(last)))

    spans = {s.id: (parse_time(s.start_time), parse_time(s.end_time)) for s in Shift.select()}
    slot_cache: dict[tuple[int, int], tuple] = {}
    created = _ts(dt.datetime.now())
    post_id, role, author = rotation.post_id, rotation.role, actor.id
    n_steps, anchor = len(steps), rotation.anchor
    rows: list[tuple] = []
    last_end: dict[int, dt.datetime] = {}
    n_days = (last_day - first_day).days + 1
    start_index = (first_day - anchor).days
    for offset in range(n_days):
        day = first_day + dt.timedelta(days=offset)
        for pid, phase in members:
            shift_id = steps[(start_index + offset + phase) % n_steps]
            if shift_id is None:
                continue
            slot = slot_cache.get((offset, shift_id))
            if slot is None:
                starts, ends = shift_span(day, *spans[shift_id])
                slot = slot_cache[(offset, shift_id)] = (day.isoformat(), starts, ends, _ts(starts), _ts(ends))
            day_s, starts, ends, starts_s, ends_s = slot
            if skips and (pid, day) in skips:
                report.skipped += 1
                continue
            if pid in leave and any(f <= day <= l for f, l in leave[pid]):
                report.on_leave += 1
                continue
            if (pid in last_end and last_end[pid] > starts) or \
                    (pid in busy and any(s < ends and e > starts for s, e in busy[pid])):
                report.kept += 1
                continue
            last_end[pid] = ends
            rows.append((pid, day_s, shift_id, post_id, role, starts_s, ends_s, rotation_id, author, created))
    cursor = db.cursor()
    for chunk in range(0, len(rows), 20000):
        cursor.executemany(_INSERT, rows[chunk:chunk + 20000])
    report.added = len(rows)
    return report


@writes
def generate_all(first_day: dt.date, last_day: dt.date, rotation_ids: list[int] | None = None,
                 overwrite: bool = False) -> GenerateReport:
    """Regenerate every rotation (or the ones named) over a range, in one transaction."""
    require("roster.edit")
    check_range(first_day, last_day)
    ids = rotation_ids if rotation_ids is not None else [r.id for r in Rotation.select(Rotation.id)]
    total = GenerateReport()
    for rotation_id in ids:
        report = generate(rotation_id, first_day, last_day, overwrite=overwrite)
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(report, name))
    return total


def _chunks(ids: list[int], size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
