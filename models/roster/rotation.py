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
from contextlib import contextmanager
from dataclasses import dataclass, field

from duty_desk.models.accounts import audit
from duty_desk.models.storage.db import db, writes
from duty_desk.models.errors import N_, DutyError, ValidationError
from duty_desk.models.organisation.org import Person
from duty_desk.models.roster.duties import (ROLES, Post, Rotation, RotationMember, Shift,
                     _ts, check_range, parse_time, shift_span)
from duty_desk.models.dates import stored_date, stored_moment
from duty_desk.models.accounts.session import require
from duty_desk.models import clock

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
    added: int = 0  # the rotations' duties in the range now
    replaced: int = 0  # their duties in the range before
    unchanged: int = 0  # of those, already there just so: not written again (their check-ins stay)
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
_CHUNK = 500  # ids per IN (…) list, well under SQLite's limit on parameters
_BULK_CACHE_KIB = 131072  # a big bulk write keeps its pages in memory instead of spilling them
# Rebuilding the secondary indexes after a big write beats updating them row by row once the
# rows written are a fair share of the table (a year for everyone, say); not for a month.
_REBUILD_MIN_ROWS, _REBUILD_SHARE = 20000, 0.25


@writes
def generate(rotation_id: int, first_day: dt.date, last_day: dt.date, overwrite: bool = False) -> GenerateReport:
    """Fill ``[first_day, last_day]`` from the rotation; see the module's note on what is kept."""
    require("roster.edit")
    return generate_all(first_day, last_day, [rotation_id], overwrite=overwrite)


@writes
def generate_all(first_day: dt.date, last_day: dt.date, rotation_ids: list[int] | None = None,
                 overwrite: bool = False) -> GenerateReport:
    """Regenerate every rotation (or the ones named) over a range: one transaction, one pass.

    Rotations are filled in the order given (by id for all): one that comes first keeps a
    person it shares with a later one. The audit trail gets one summary event, not one per duty.
    """
    actor = require("roster.edit")
    check_range(first_day, last_day)
    named = "all" if rotation_ids is None else rotation_ids[0] if len(rotation_ids) == 1 else list(rotation_ids)
    with audit.bulk("assignment", what="rotation", rotation=named, first_day=first_day,
                    last_day=last_day, overwrite=overwrite) as summary:
        report = _generate(_Plan.load(rotation_ids, first_day, last_day), overwrite, actor.id)
        summary.update(added=report.added, replaced=report.replaced)
    return report


@dataclass
class _Plan:
    """What generating needs to know before it writes: the rotations, members and shifts."""

    first_day: dt.date
    last_day: dt.date
    rotations: list[tuple]  # (id, pattern, post id, role, anchor)
    members: dict[int, list[tuple[int, int]]]  # rotation id → (person id, phase)
    steps: dict[int, list[int | None]]  # rotation id → shift id or None for each step
    spans: dict[int, tuple[dt.time, dt.time]]

    @classmethod
    def load(cls, rotation_ids: list[int] | None, first_day: dt.date, last_day: dt.date) -> _Plan:
        cols = "SELECT id, pattern, post_id, role, anchor FROM rotation"
        if rotation_ids is None:
            found = db.execute_sql(cols + " ORDER BY id").fetchall()
        else:
            wanted = list(dict.fromkeys(rotation_ids))
            by_id = {}
            for chunk, marks in _in(wanted):
                by_id.update((r[0], r) for r in db.execute_sql(f"{cols} WHERE id IN ({marks})", chunk))
            if len(by_id) < len(wanted):
                raise DutyError(N_("That rotation no longer exists."))
            found = [by_id[rid] for rid in wanted]
        ids = [r[0] for r in found]
        members: dict[int, list[tuple[int, int]]] = {rid: [] for rid in ids}
        for chunk, marks in _in(ids):
            for rid, pid, phase in db.execute_sql(
                    f"SELECT rotation_id, person_id, phase FROM rotation_member WHERE rotation_id IN ({marks})"
                    " ORDER BY rotation_id, person_id", chunk):
                members[rid].append((pid, phase))
        if any(not crew for crew in members.values()):
            raise ValidationError(N_("A rotation needs at least one person."), field="members")
        shifts = Shift.select(Shift.id, Shift.key, Shift.start_time, Shift.end_time, Shift.active).tuples()
        keys, spans = {}, {}
        for sid, key, start, end, active in shifts:
            spans[sid] = (parse_time(start), parse_time(end))
            if active:
                keys[key.lower()] = sid
        steps = {r[0]: parse_pattern(r[1], keys) for r in found}
        return cls(first_day, last_day, found, members, steps, spans)

    @property
    def ids(self) -> list[int]:
        return [r[0] for r in self.rotations]

    @property
    def person_ids(self) -> list[int]:
        return sorted({pid for crew in self.members.values() for pid, _ in crew})

    def expected_rows(self) -> int:
        days = (self.last_day - self.first_day).days + 1
        return sum(len(self.members[rid]) * days * sum(s is not None for s in steps) // len(steps)
                   for rid, steps in self.steps.items())


def _generate(plan: _Plan, overwrite: bool, author: int | None) -> GenerateReport:
    """Work out the rotations' duties, then write only the difference to what is there."""
    first_s, last_s = plan.first_day.isoformat(), plan.last_day.isoformat()
    ids, person_ids = plan.ids, plan.person_ids
    report = GenerateReport()
    skips: dict[int, set[tuple[int, dt.date]]] = {}
    if not overwrite:
        for chunk, marks in _in(ids):
            for rid, pid, day in db.execute_sql(
                    f"SELECT rotation_id, person_id, day FROM rotation_skip WHERE rotation_id IN ({marks})"
                    " AND day >= ? AND day <= ?", (*chunk, first_s, last_s)):
                skips.setdefault(rid, set()).add((pid, stored_date(day)))
    before, taken = _existing(plan, overwrite)
    report.replaced = len(before)
    rows = _rows(plan, skips, taken, _leave(plan), author, report)
    report.added = len(rows)
    # What the rotations made before and would make again stays as it is, id and all.
    fresh = []
    for row in rows:
        old = before.get((row[0], row[1], row[2]))
        if old is not None and old[1:] == (row[3], row[4], row[5], row[6], row[7]):
            del before[(row[0], row[1], row[2])]
            report.unchanged += 1
        else:
            fresh.append(row)
    gone = [old[0] for old in before.values()]

    in_table = db.execute_sql("SELECT count(*) FROM assignment").fetchone()[0]
    work = len(gone) + len(fresh)
    with _bulk_writing("assignment", work >= _REBUILD_MIN_ROWS and work >= _REBUILD_SHARE * in_table):
        if overwrite:
            for chunk, marks in _in(ids):
                db.execute_sql(f"DELETE FROM rotation_skip WHERE rotation_id IN ({marks})"
                               " AND day >= ? AND day <= ?", (*chunk, first_s, last_s))
            for chunk, marks in _in(person_ids):
                db.execute_sql(f"DELETE FROM assignment WHERE person_id IN ({marks}) AND day >= ? AND day <= ?"
                               " AND source != 'rotation'", (*chunk, first_s, last_s))
        for chunk, marks in _in(gone):
            db.execute_sql(f"DELETE FROM assignment WHERE id IN ({marks})", chunk)
        cursor = db.cursor()
        for start in range(0, len(fresh), 20000):
            cursor.executemany(_INSERT, fresh[start:start + 20000])
    return report


def _existing(plan: _Plan, overwrite: bool):
    """(what the rotations made in the range before, by (person, day, shift) → (id, post,
    role, starts, ends, rotation); person → day offset → spans of the duties they keep).

    Someone in two of the rotations gets an entry in the second too, so each new duty is
    checked against the others; everyone else only needs the end of their last new duty
    (the fast case). With *overwrite*, the members' own duties in the range go, so they
    do not count.
    """
    first_day, last_day = plan.first_day, plan.last_day
    first_s, last_s = first_day.isoformat(), last_day.isoformat()
    ours = set(plan.ids)
    before: dict[tuple[int, str, int], tuple] = {}
    taken: dict[int, dict[int, list[tuple[dt.datetime, dt.datetime]]]] = {}
    lo, hi = (first_day - dt.timedelta(days=1)).isoformat(), (last_day + dt.timedelta(days=1)).isoformat()
    for chunk, marks in _in(plan.person_ids):
        for aid, pid, day, shift_id, post_id, role, starts, ends, source, rid in db.execute_sql(
                "SELECT id, person_id, day, shift_id, post_id, role, starts_at, ends_at, source, rotation_id"
                f" FROM assignment WHERE person_id IN ({marks}) AND day >= ? AND day <= ?", (*chunk, lo, hi)):
            day = day if isinstance(day, str) else day.isoformat()
            in_range = first_s <= day <= last_s
            if in_range and source == "rotation" and rid in ours:
                before[(pid, day, shift_id)] = (aid, post_id, role, _text_ts(starts), _text_ts(ends), rid)
                continue
            if in_range and overwrite and source != "rotation":
                continue
            offset = (dt.date.fromisoformat(day) - first_day).days
            taken.setdefault(pid, {}).setdefault(offset, []).append((stored_moment(starts), stored_moment(ends)))
    seen: set[int] = set()
    for crew in plan.members.values():
        for pid, _phase in crew:
            if pid in seen:
                taken.setdefault(pid, {})
            seen.add(pid)
    # A duty a rotation made for someone no longer in it goes too.
    for chunk, marks in _in(plan.ids):
        for aid, pid, day, shift_id, post_id, role, starts, ends, rid in db.execute_sql(
                "SELECT id, person_id, day, shift_id, post_id, role, starts_at, ends_at, rotation_id"
                f" FROM assignment a WHERE rotation_id IN ({marks}) AND day >= ? AND day <= ?"
                " AND source = 'rotation' AND NOT EXISTS (SELECT 1 FROM rotation_member m"
                " WHERE m.rotation_id = a.rotation_id AND m.person_id = a.person_id)", (*chunk, first_s, last_s)):
            day = day if isinstance(day, str) else day.isoformat()
            before.setdefault((pid, day, shift_id), (aid, post_id, role, _text_ts(starts), _text_ts(ends), rid))
    return before, taken


def _text_ts(value) -> str:
    return value if isinstance(value, str) else _ts(value)


def _leave(plan: _Plan) -> dict[int, list[tuple[dt.date, dt.date]]]:
    leave: dict[int, list[tuple[dt.date, dt.date]]] = {}
    wanted = set(plan.person_ids)
    for pid, first, last in db.execute_sql("SELECT person_id, first_day, last_day FROM leave"
                                           " WHERE first_day <= ? AND last_day >= ?",
                                           (plan.last_day.isoformat(), plan.first_day.isoformat())):
        if pid in wanted:
            leave.setdefault(pid, []).append((stored_date(first), stored_date(last)))
    return leave


def _rows(plan: _Plan, skips, taken, leave, author: int | None, report: GenerateReport) -> list[tuple]:
    """The new duties as insert parameters, day by day within each rotation."""
    first_day = plan.first_day
    created = _ts(clock.now())
    n_days = (plan.last_day - first_day).days + 1
    slots: dict[tuple[int, int], tuple] = {}  # (day offset, shift) → its day and times, as values and text
    last_end: dict[int, dt.datetime] = {}
    rows: list[tuple] = []
    for rid, _pattern, post_id, role, anchor in plan.rotations:
        steps, crew, off_days = plan.steps[rid], plan.members[rid], skips.get(rid)
        n_steps, start_index = len(steps), (first_day - stored_date(anchor)).days
        for offset in range(n_days):
            base = start_index + offset
            for pid, phase in crew:
                shift_id = steps[(base + phase) % n_steps]
                if shift_id is None:
                    continue
                slot = slots.get((offset, shift_id))
                if slot is None:
                    day = first_day + dt.timedelta(days=offset)
                    starts, ends = shift_span(day, *plan.spans[shift_id])
                    slot = slots[(offset, shift_id)] = (day, day.isoformat(), starts, ends, _ts(starts), _ts(ends))
                day, day_s, starts, ends, starts_s, ends_s = slot
                if off_days and (pid, day) in off_days:
                    report.skipped += 1
                    continue
                if pid in leave and any(first <= day <= last for first, last in leave[pid]):
                    report.on_leave += 1
                    continue
                mine = taken.get(pid)
                if mine is None:
                    if pid in last_end and last_end[pid] > starts:
                        report.kept += 1
                        continue
                    last_end[pid] = ends
                elif _overlaps(mine, offset, starts, ends):
                    report.kept += 1
                    continue
                else:
                    mine.setdefault(offset, []).append((starts, ends))
                rows.append((pid, day_s, shift_id, post_id, role, starts_s, ends_s, rid, author, created))
    return rows


def _overlaps(taken: dict[int, list[tuple[dt.datetime, dt.datetime]]], offset: int, starts: dt.datetime,
              ends: dt.datetime) -> bool:
    for near in (offset - 1, offset, offset + 1):
        for s, e in taken.get(near, ()):
            if s < ends and e > starts:
                return True
    return False


@contextmanager
def _bulk_writing(table: str, rebuild_indexes: bool):
    """Inside the write transaction (and ``audit.bulk``, which takes the audit triggers off):
    a larger page cache and, for a big write, the secondary indexes built once at the end
    instead of row by row. Dropping and making them again is part of the same transaction:
    other terminals never see the table without them, and a failure rolls it all back. The
    unique index stays: it still refuses a duplicate as the row is written.
    """
    indexes = []
    if rebuild_indexes:
        indexes = db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
                                 " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'", (table,)).fetchall()
    for name, _sql in indexes:
        db.execute_sql(f'DROP INDEX "{name}"')
    cache = int(db.execute_sql("PRAGMA cache_size").fetchone()[0])
    db.execute_sql(f"PRAGMA cache_size = {-_BULK_CACHE_KIB}")
    try:
        yield
        for _name, sql in indexes:
            db.execute_sql(sql)
    finally:
        db.execute_sql(f"PRAGMA cache_size = {cache}")


def _in(ids: list[int]):
    """(chunk, "?,?,…") for each slice of *ids* small enough for one IN (…)."""
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        yield chunk, ",".join("?" * len(chunk))
