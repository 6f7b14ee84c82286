"""The documents' point rules at work: each rule applied from what the desk records.

Every rule has a ``basis`` (``org.BASES``):

- *occurrence*: a lead or supervisor records it about a named person (``record_about``); the
  log entry is the evidence. Detectors (late arrival, missed patrol …) record their own.
- *shortfall*: the rule requires ``times`` entries of ``activity`` per ``every``; ``detect``
  counts the person's entries (as author or attendee) per period, only in periods the person
  worked, and each missing one is a fact whose evidence is the ``RuleSlot``.
- *late*: the ``activity`` entry is due ``due`` after its period starts; handed in later (or
  not yet) is one fact per item, or per day where the rule counts days (``unit`` 天). A late
  item with no activity (an order delivered late) is recorded with its days.
- *graded*: the recorder picks one of ``grades``.
- *measured*: a value against ``target`` in steps of ``step``: above costs ``points`` a step,
  below earns the paired bonus rule's.

A fact names its rule, so two rules never compete for one code (the stocktake rules of
仓库副主任 are two rules with two activities).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import ClassVar

import peewee as pw

from duty_desk.models import clock
from duty_desk.models.appraisal import facts
from duty_desk.models import periods
from duty_desk.models.appraisal.tables import Adjustment
from duty_desk.models.appraisal.proposals import propose_for_person
from duty_desk.models.dates import parse_moment as parse_moment  # a lead's "14:05": the log's forms read it
from duty_desk.models.storage.base import BaseModel, Key
from duty_desk.models.storage.db import db, writes
from duty_desk.models.errors import N_, ValidationError
from duty_desk.models.appraisal.facts import DutyFact
from duty_desk.models.logbook.chain import stamp
from duty_desk.models.logbook.tables import LogPerson
from duty_desk.models.organisation.org import Person, Position, Rule
from duty_desk.models.roster.duties import Leave, holidays_between
from duty_desk.models.accounts.session import require


class RuleSlot(BaseModel):
    """A period a rule required something of a person: what was needed, what was found."""

    rule = pw.ForeignKeyField(Rule, backref="slots", on_delete="CASCADE")
    rule_id: ClassVar[Key[int]]
    person = pw.ForeignKeyField(Person, backref="+", index=False)
    person_id: ClassVar[Key[int]]
    starts = pw.DateTimeField()
    ends = pw.DateTimeField()
    due = pw.DateTimeField(null=True)
    needed = pw.IntegerField()
    found = pw.IntegerField()
    done_at = pw.DateTimeField(null=True)
    late_days = pw.FloatField(null=True)

    class Meta:
        table_name = "rule_slot"
        # One rule may check two schedules that start alike (a year's plan and January's).
        indexes = ((("rule", "person", "starts", "ends"), True), (("person", "starts"), False))


@dataclass(frozen=True)
class RuleRef:
    id: int
    position_id: int
    position_key: str
    seq: int
    fact: str
    kind: str  # deduction | bonus
    points: float
    unit: str
    cap: float | None
    fine: float | None
    code: str | None
    basis: str
    activity: tuple[str, ...]
    every: str | None
    times: int
    grades: tuple[float, ...]
    step: float | None
    target: float | None
    due: str | None
    line: int | None
    local: str | None
    source_doc: str
    seeded: bool

    @property
    def where(self) -> str:
        """Where the rule is written: "001 · line 823" (an administrator's rule: "local")."""
        if not self.seeded:
            return "local"
        return f"{self.source_doc} · line {self.line}" if self.line else self.source_doc


def _ref(r: Rule, position: Position) -> RuleRef:
    grades = tuple(float(g) for g in (r.grades or "").split(",") if g.strip())
    activity = tuple(a.strip() for a in (r.activity or "").split(",") if a.strip())
    return RuleRef(r.id, position.id, position.key, r.seq, r.fact, r.kind, r.points, r.unit, r.cap, r.fine,
                   r.code, r.basis, activity, r.every, r.times or 1, grades, r.step, r.target, r.due, r.line,
                   r.local, (position.source_doc or "")[:3], r.seeded is not None)


def rules_for(position_id: int, *, retired: bool = False) -> list[RuleRef]:
    """The rules of a position in their order (those in force, unless *retired*)."""
    query = Rule.select(Rule, Position).join(Position).where(Rule.position == position_id)
    if not retired:
        query = query.where(Rule.retired.is_null())
    return [_ref(r, r.position) for r in query.order_by(Rule.seq)]


def rule_ref(rule_id: int) -> RuleRef | None:
    r = Rule.select(Rule, Position).join(Position).where(Rule.id == rule_id).first()
    return _ref(r, r.position) if r else None


# ---- slots: the periods a rule counts in ------------------------------------------------

_SLOT_DAYS = {"day": 1, "workday": 1, "week": 7}


def _slot_containing(every: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The slot of *every* that *day* falls in, as [first day, day after the last)."""
    if every in ("day", "workday"):
        return day, day + dt.timedelta(days=1)
    if every == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=7)
    span = periods.containing(every, day)
    return span.starts, span.ends


def slots(every: str, first: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Every whole slot of *every* inside [first, end)."""
    out = []
    starts, ends = _slot_containing(every, first)
    if starts < first:
        starts, ends = _slot_containing(every, ends)
    while ends <= end:
        out.append((starts, ends))
        starts, ends = _slot_containing(every, ends)
    return out


def slots_starting(every: str, first: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Every slot of *every* that starts in [first, end), whole or not."""
    out = []
    starts, ends = _slot_containing(every, first)
    if starts < first:
        starts, ends = _slot_containing(every, ends)
    while starts < end:
        out.append((starts, ends))
        starts, ends = _slot_containing(every, ends)
    return out


def _working_days_after(day: dt.date, count: int, holidays: set[dt.date]) -> dt.date:
    """The *count*-th working day from *day* on (Monday to Friday, not a holiday)."""
    found = 0
    while True:
        if day.weekday() < 5 and day not in holidays:
            found += 1
            if found == count:
                return day
        day += dt.timedelta(days=1)


_DUE = re.compile(r"^\+(\d{1,3})(d|wd) ([0-2]?\d):([0-5]\d)$")


def parse_due(text: str) -> tuple[int, str, int, int]:
    """"+14d 00:00" (days after the slot starts) or "+1wd 24:00" (the first working day, at its
    end); a ValidationError at field "due" otherwise."""
    found = _DUE.match((text or "").strip())
    if not found or int(found.group(3)) > 24 or (int(found.group(3)) == 24 and found.group(4) != "00"):
        raise ValidationError(N_("Write a due time as +14d 00:00 (days after the period starts) or "
                                 "+1wd 24:00 (a working day of the period, at a time)."), field="due", due=text)
    return int(found.group(1)), found.group(2), int(found.group(3)), int(found.group(4))


def due_at(due: str, starts: dt.date, holidays: set[dt.date] = frozenset()) -> dt.datetime:
    days, unit, hour, minute = parse_due(due)
    day = starts + dt.timedelta(days=days) if unit == "d" else _working_days_after(starts, max(days, 1), holidays)
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=hour, minutes=minute)


def schedules(rule: RuleRef) -> list[tuple[tuple[str, ...], str, str | None]]:
    """(activities, every, due) the rule checks: one, or one per activity where the rule
    names several with their own periods ("plan_yearly,plan_monthly" · "year,month")."""
    everies = [e.strip() for e in (rule.every or "").split(",") if e.strip()]
    dues = [d.strip() for d in (rule.due or "").split(",") if d.strip()]
    if len(everies) > 1 and len(everies) == len(rule.activity):
        dues = dues if len(dues) == len(everies) else [dues[0] if dues else None] * len(everies)
        return [((a,), e, d) for a, e, d in zip(rule.activity, everies, dues)]
    return [(rule.activity, everies[0] if everies else "day", dues[0] if dues else None)]


# ---- detection: shortfalls and late hand-ins --------------------------------------------

def _dates(rows) -> list[tuple[int, dt.date]]:
    return [(person, dt.date.fromisoformat(str(day)[:10])) for person, day in rows]


def worked_days(people: list[int], first: dt.date, end: dt.date) -> dict[int, set[dt.date]]:
    """The days each person was on duty or at work in [first, end): rostered, or writing in
    the log; days of leave do not count."""
    days: dict[int, set[dt.date]] = {p: set() for p in people}
    if not people:
        return days
    marks = ",".join("?" * len(people))
    rows = db.execute_sql(
        f"SELECT person_id, day FROM assignment WHERE person_id IN ({marks}) AND day >= ? AND day < ? "
        f"UNION SELECT author_id, substr(at, 1, 10) FROM log_entry WHERE author_id IN ({marks}) "
        f"AND at >= ? AND at < ?",
        (*people, first.isoformat(), end.isoformat(), *people, stamp(first), stamp(end))).fetchall()
    for person, day in _dates(rows):
        days[person].add(day)
    for leave in Leave.select().where(Leave.person.in_(people), Leave.first_day < end, Leave.last_day >= first):
        day = leave.first_day
        while day <= leave.last_day:
            days[leave.person_id].discard(day)
            day += dt.timedelta(days=1)
    return days


def activity_entries(keys: tuple[str, ...], people: list[int], start: dt.datetime, end: dt.datetime,
                     attendees: bool = True) -> dict[int, list[tuple[dt.datetime, int]]]:
    """Each person's entries of the categories *keys* in [start, end), as author or (with
    *attendees*) named among a meeting's attendees: (moment, entry id), oldest first.
    An amendment is a correction, not another activity."""
    found: dict[int, list[tuple[dt.datetime, int]]] = {p: [] for p in people}
    if not keys or not people:
        return found
    cats, marks = ",".join("?" * len(keys)), ",".join("?" * len(people))
    sql = (f"SELECT e.author_id, e.at, e.id FROM log_entry e JOIN log_category c ON c.id = e.category_id "
           f"WHERE c.key IN ({cats}) AND e.author_id IN ({marks}) AND e.at >= ? AND e.at < ? "
           f"AND e.amends_id IS NULL")
    params: list = [*keys, *people, stamp(start), stamp(end)]
    if attendees:
        sql += (f" UNION SELECT lp.person_id, e.at, e.id FROM log_person lp JOIN log_entry e ON e.id = lp.entry_id "
                f"JOIN log_category c ON c.id = e.category_id WHERE lp.role = 'attendee' AND c.key IN ({cats}) "
                f"AND lp.person_id IN ({marks}) AND e.at >= ? AND e.at < ? AND e.amends_id IS NULL")
        params += [*keys, *people, stamp(start), stamp(end)]
    for person, at, entry_id in db.execute_sql(sql, params).fetchall():
        found[person].append((dt.datetime.fromisoformat(at), entry_id))
    for rows in found.values():
        rows.sort()
    return found


def _people(position_id: int) -> list[int]:
    return [p.id for p in Person.select(Person.id).where(Person.position == position_id, Person.active == True)]  # noqa: E712


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _keep(rule: RuleRef, person: int, starts: dt.date, ends: dt.date, due: dt.datetime | None, needed: int,
          found: int, done_at: dt.datetime | None, late_days: float | None) -> tuple[int, bool]:
    """Write the slot as it now stands; its id, and whether it is new."""
    values = dict(due=stamp(due) if due else None, needed=needed, found=found,
                  done_at=stamp(done_at) if done_at else None, late_days=late_days)
    row = db.execute_sql("SELECT id FROM rule_slot WHERE rule_id = ? AND person_id = ? AND starts = ? AND ends = ?",
                         (rule.id, person, stamp(_midnight(starts)), stamp(_midnight(ends)))).fetchone()
    if row:
        RuleSlot.update(**values).where(RuleSlot.id == row[0]).execute()
        return row[0], False
    return RuleSlot.insert(rule=rule.id, person=person, starts=stamp(_midnight(starts)),
                           ends=stamp(_midnight(ends)), **values).execute(), True


def _charge(rule: RuleRef, person: int, slot: tuple[int, bool], code: str, at: dt.datetime, count: float,
            detail: str) -> None:
    """The slot's fact as it now stands: recorded, its count brought up to date, or withdrawn
    (with its undecided proposal) when the shortfall was made good by a later entry."""
    slot_id, new = slot
    existing = None if new else db.execute_sql(
        "SELECT id, count, detail FROM duty_fact WHERE code = ? AND source = 'shortfall' AND ref_id = ? "
        "AND person_id = ?", (code, slot_id, person)).fetchone()
    if existing is None:
        if count > 0:
            facts.record(person, code, at, "shortfall", slot_id, detail, rule=rule.id, count=count)
        return
    fact_id, was_count, was_detail = existing
    if count > 0:
        if was_count != count or was_detail != detail:
            DutyFact.update(count=count, detail=detail).where(DutyFact.id == fact_id).execute()
            Adjustment.update(count=count, note=detail).where(Adjustment.duty_fact == fact_id,
                                                              Adjustment.status == "proposed").execute()
        return
    Adjustment.delete().where(Adjustment.duty_fact == fact_id, Adjustment.status == "proposed").execute()
    if not Adjustment.select().where(Adjustment.duty_fact == fact_id).exists():
        DutyFact.delete().where(DutyFact.id == fact_id).execute()


def _shortfalls(rule: RuleRef, keys: tuple[str, ...], every: str, spans: list[tuple[dt.date, dt.date]],
                people: list[int]) -> int:
    first, end = spans[0][0], spans[-1][1]
    worked = worked_days(people, first, end)
    entries = activity_entries(keys, people, _midnight(first), _midnight(end))
    charged = 0
    for starts, ends in spans:
        for person in people:
            if not any(starts <= day < ends for day in worked[person]):
                continue  # only periods the person worked count
            found = sum(1 for at, _id in entries[person] if _midnight(starts) <= at < _midnight(ends))
            missing = max(rule.times - found, 0)
            slot = _keep(rule, person, starts, ends, None, rule.times, found, None, None)
            detail = f"{_slot_name(every, starts)}: {found}/{rule.times}"
            _charge(rule, person, slot, "shortfall", _midnight(ends) - dt.timedelta(seconds=1), missing, detail)
            charged += missing > 0
    return charged


def _lates(rule: RuleRef, keys: tuple[str, ...], every: str, spans: list[tuple[dt.date, dt.date, dt.datetime]],
           people: list[int], now: dt.datetime) -> int:
    reach = spans[0][1] - spans[0][0]
    worked = worked_days(people, spans[0][0], spans[-1][1])
    entries = activity_entries(keys, people, spans[0][2] - reach, now + dt.timedelta(seconds=1), attendees=False)
    per_day = rule.unit in ("天", "日")
    charged = 0
    for person in people:
        pending = list(entries[person])
        for starts, ends, due_moment in spans:
            if not any(starts <= day < ends for day in worked[person]):
                continue
            # the first hand-in from a period's length before the due time on is this period's
            while pending and pending[0][0] < due_moment - reach:
                pending.pop(0)
            done = pending.pop(0)[0] if pending else None
            late = max((done or now) - due_moment, dt.timedelta(0))
            days = math.ceil(late / dt.timedelta(days=1)) if late else 0
            slot = _keep(rule, person, starts, ends, due_moment, 1, 1 if done else 0, done, days)
            count = (days if per_day else 1) if days else 0
            state = f"{done:%m-%d %H:%M}" if done else "—"
            detail = f"{_slot_name(every, starts)}: {due_moment:%m-%d %H:%M} → {state}"  # due → handed in
            _charge(rule, person, slot, "late", due_moment, count, detail)
            charged += count > 0
    return charged


def _slot_name(every: str, starts: dt.date) -> str:
    if every == "week":
        return f"{starts:%G}-W{starts:%V}"
    if every in ("day", "workday"):
        return starts.isoformat()
    return periods.containing(every, starts).key


_LONGEST_SLOT = dt.timedelta(days=400)  # a year, and a due time after it


@writes
def detect(start: dt.datetime, end: dt.datetime, person_id: int | None = None) -> int:
    """Find the shortfalls of the periods that end in [start, end), and the late hand-ins due
    in it, for every rule in force (only what is over by now); return how many facts stand.
    Safe to run again: slots and facts are brought up to date, not repeated."""
    require("log.write")
    now = clock.now()
    end = min(end, now)
    if end <= start:
        return 0
    complete = end.date()  # a slot ending at or before this midnight is over
    holidays = set(holidays_between(start.date() - _LONGEST_SLOT, end.date() + _LONGEST_SLOT))
    charged = 0
    query = (Rule.select(Rule, Position).join(Position)
             .where(Rule.retired.is_null(), Rule.basis.in_(("shortfall", "late")), Rule.activity.is_null(False)))
    for row in query:
        rule = _ref(row, row.position)
        people = [p for p in _people(rule.position_id) if person_id in (None, p)]
        if not people:
            continue
        for keys, every, due in schedules(rule):
            if every == "hour":
                continue  # hourly patrols are the patrol rules' (models.logbook.patrols)
            candidates = slots_starting(every, start.date() - _LONGEST_SLOT, end.date() + dt.timedelta(days=1))
            if rule.basis == "shortfall":
                spans = [(s, e) for s, e in candidates if start.date() < e <= complete]
                if spans:
                    charged += _shortfalls(rule, keys, every, spans, people)
            elif due:
                timed = [(s, e, due_at(due, s, holidays)) for s, e in candidates]
                spans = [(s, e, d) for s, e, d in timed if start <= d < end]
                if spans:
                    charged += _lates(rule, keys, every, spans, people, now)
    return charged


# ---- recording about a person -------------------------------------------------------------

def _number(value, field: str, msgid: str) -> float:
    try:
        number = float(str(value).strip().rstrip("%").strip())
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise ValidationError(msgid, field=field, value=value)
    return number


def _paired(rule: RuleRef, kind: str) -> RuleRef | None:
    """A measured rule's partner of the other sign (超过 … 扣 / 降低 … 奖)."""
    if rule.kind == kind:
        return rule
    for other in rules_for(rule.position_id):
        if other.basis == "measured" and other.kind == kind and other.activity == rule.activity:
            return other
    return None


def _locked_sheet(person_id: int, at: dt.datetime) -> str | None:
    """The key of an approved appraisal period of the person that *at* falls in, if any."""
    from duty_desk.models.appraisal.tables import LOCKED, AppraisalPeriod, Scoresheet

    row = (Scoresheet.select(AppraisalPeriod.key).join(AppraisalPeriod)
           .where(Scoresheet.person == person_id, Scoresheet.state.in_(LOCKED),
                  AppraisalPeriod.starts <= at.date(), AppraisalPeriod.ends > at.date())
           .tuples().first())
    return row[0] if row else None


@dataclass(frozen=True)
class Recorded:
    entry_id: int
    fact_id: int | None  # None: a measured value on target gives no points
    kind: str | None
    points: float | None
    count: float | None


@writes
def record_about(person_id: int, rule_id: int, text: str = "", at: dt.datetime | str | None = None,
                 grade=None, value=None, days=None) -> Recorded:
    """A lead or supervisor records a rule's fact about a person: an incident, a grade, a
    measured value, or days late. The log entry (category "incident", the person named in
    ``log_person``) is the evidence; the fact names the rule, and a proposal follows on the
    person's open sheet when the period's sheets are proposed."""
    from duty_desk.models.logbook.entries import _append

    actor = require("log.record_about")
    if actor.id is None:
        raise ValidationError(N_("The duty log is signed by a person: sign in as one first."), field="person")
    person = Person.get_or_none(Person.id == person_id)
    if person is None or not person.active:
        raise ValidationError(N_("Choose a person on the staff."), field="person")
    rule = rule_ref(rule_id)
    if rule is None or rule.position_id != person.position_id:
        raise ValidationError(N_("That rule is not one of {name}'s position: choose one of its rules."),
                              field="rule", name=person.name)
    if rule.basis == "shortfall" or (rule.basis == "late" and rule.activity):
        raise ValidationError(N_("This rule is counted from the log and the roster: record the activity "
                                 "itself, and the shortfall is found."), field="rule")
    at = parse_moment(at) if isinstance(at, str) or at is None else at.replace(microsecond=0)
    if at > clock.now() + dt.timedelta(minutes=5):
        raise ValidationError(N_("That moment is still to come: record what has happened."), field="at")
    locked = _locked_sheet(person.id, at)
    if locked:
        raise ValidationError(N_("{name}'s appraisal for {period} is approved; reopen it before recording "
                                 "anything in it."), field="at", name=person.name, period=locked)
    kind, points, count, detail = rule.kind, None, 1.0, ""
    if rule.basis == "graded":
        grade = _number(grade, "grade", N_("Choose one of the rule's grades."))
        if grade not in rule.grades:
            raise ValidationError(N_("Choose one of the rule's grades: {grades}."), field="grade",
                                  grades=", ".join(f"{g:g}" for g in rule.grades))
        points, detail = grade, f"{grade:g}"
    elif rule.basis == "measured":
        measured = _number(value, "value", N_("Type the measured value as a number, such as 0.35."))
        if rule.target is None:
            raise ValidationError(N_("No target is set for this rule yet: an administrator sets it in Settings "
                                     "(a local choice)."), field="value")
        step = rule.step or 1.0
        steps = math.floor(abs(measured - rule.target) / step + 1e-9)
        detail = f"{measured:g} / {rule.target:g}"  # measured / target
        kind = "deduction" if measured > rule.target else "bonus"
        paired = _paired(rule, kind) if steps else None
        if paired is not None:
            rule = paired
        count = float(steps) if paired is not None else 0.0
    elif rule.basis == "late":
        late = _number(days, "days", N_("Type how many days late, as a whole number."))
        if late != int(late) or not 1 <= late <= 366:
            raise ValidationError(N_("Type how many days late, from 1 to 366."), field="days")
        count, detail = (late if rule.unit in ("天", "日") else 1.0), f"{int(late)} 天"  # the documents' unit
    words = " ".join((text or "").split())
    line = f"@{person.name} · {rule.fact}" + (f" · {detail}" if detail else "") + (f" — {words}" if words else "")
    entry_id = _append(actor.id, "incident", line, at, "normal", None)
    LogPerson.insert(entry=entry_id, person=person.id, role="about").execute()
    fact_id = None
    if count > 0:
        fact_id = facts.record(person.id, rule.code or "recorded", at, "log", entry_id, detail, rule=rule.id,
                               points=points, count=count, kind=kind)
        propose_for_person(person.id)
    return Recorded(entry_id, fact_id, kind if count else None, points, count if count else None)


# ---- evidence -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """What stands behind a proposal: a few lines to read, and what to open."""

    title: str
    lines: tuple[str, ...]
    entry_ids: tuple[int, ...] = ()  # log entries that show it
    day: dt.date | None = None  # the roster day that shows it
    missing: tuple[str, ...] = ()  # a shortfall's periods with what was missing


def _entry_line(entry_id: int) -> str | None:
    row = db.execute_sql("SELECT e.seq, e.at, p.name, e.post, e.text FROM log_entry e JOIN person p "
                         "ON p.id = e.author_id WHERE e.id = ?", (entry_id,)).fetchone()
    if row is None:
        return None
    seq, at, author, post, text = row
    return f"#{seq} {str(at)[5:16]} {author}" + (f" @{post}" if post else "") + f": {text}"


def evidence(adjustment_id: int) -> Evidence | None:
    """The evidence of a deduction or bonus: the rule as written and where, and the log
    entries, the shortfall's period and what was found, or the missed patrol's slot."""
    adj = Adjustment.get_or_none(Adjustment.id == adjustment_id)
    if adj is None:
        return None
    rule = rule_ref(adj.rule_id) if adj.rule_id else None
    head = [adj.fact] + ([rule.where] if rule else [])
    if adj.source == "log" and adj.ref_id:
        line = _entry_line(adj.ref_id)
        return Evidence(adj.fact, tuple(head + ([line] if line else []) + ([adj.note] if adj.note else [])),
                        entry_ids=(adj.ref_id,))
    if adj.source == "shortfall" and adj.ref_id:
        slot = RuleSlot.get_or_none(RuleSlot.id == adj.ref_id)
        if slot is None:
            return Evidence(adj.fact, tuple(head))
        keys = rule.activity if rule else ()
        found = activity_entries(keys, [slot.person_id], slot.starts, slot.ends).get(slot.person_id, [])
        if slot.due is not None:  # a late hand-in: its due time and when it came
            came = f"{slot.done_at:%Y-%m-%d %H:%M}" if slot.done_at else "—"
            lines = head + [f"due {slot.due:%Y-%m-%d %H:%M} · in {came} · {slot.late_days or 0:g} d"]
            ids = tuple(i for at, i in activity_entries(keys, [slot.person_id], slot.due - (slot.ends - slot.starts),
                                                        slot.ends, attendees=False)[slot.person_id]
                        if slot.done_at and at == slot.done_at)
            return Evidence(adj.fact, tuple(lines), entry_ids=ids, day=slot.due.date())
        missing = tuple(f"{slot.starts:%Y-%m-%d} – {slot.ends - dt.timedelta(days=1):%Y-%m-%d}: "
                        f"{slot.found}/{slot.needed}" for _ in range(1))
        lines = head + [f"{', '.join(keys)}: {slot.found} of {slot.needed}"]
        lines += [x for x in (_entry_line(i) for _at, i in found) if x]
        return Evidence(adj.fact, tuple(lines), entry_ids=tuple(i for _at, i in found),
                        day=slot.starts.date(), missing=missing)
    if adj.source == "patrol" and adj.ref_id:
        row = db.execute_sql("SELECT r.post, m.due_at FROM missed_patrol m JOIN patrol_rule r ON r.id = m.rule_id "
                             "WHERE m.id = ?", (adj.ref_id,)).fetchone()
        if row:
            due = dt.datetime.fromisoformat(str(row[1]))
            return Evidence(adj.fact, tuple(head + [f"@{row[0]} · patrol due {due:%Y-%m-%d %H:%M}, none came"]),
                            day=due.date(), missing=(f"{due:%Y-%m-%d %H:%M} @{row[0]}",))
    when = adj.occurred_at
    return Evidence(adj.fact, tuple(head + ([adj.note] if adj.note else [])),
                    day=when.date() if isinstance(when, dt.datetime) else None)


# ---- choosing what to record ----------------------------------------------------------------

RECORDABLE = ("occurrence", "graded", "measured", "late")


@dataclass(frozen=True)
class Subject:
    """A person a lead records about, with the rules that can be recorded for them."""

    person_id: int
    name: str
    position: str
    rules: tuple[RuleRef, ...]


def recordable(rule: RuleRef) -> bool:
    """Recorded by hand: not a shortfall or a hand-in that the log itself shows."""
    return rule.basis in RECORDABLE and not (rule.basis == "late" and rule.activity)


def subject(name: str) -> Subject:
    """The person called *name* (or the only one whose name starts so) and their position's
    rules that are recorded about a person; a ValidationError at field "person" otherwise."""
    typed = " ".join((name or "").split())
    if not typed:
        raise ValidationError(N_("Type the name of the person the entry is about."), field="person")
    people = list(Person.select().where(Person.active == True, Person.name == typed))  # noqa: E712
    if not people:
        people = list(Person.select().where(Person.active == True, Person.name.startswith(typed)).limit(6))  # noqa: E712
    if not people:
        raise ValidationError(N_("No one on the staff is called “{name}”."), field="person", name=typed)
    if len(people) > 1:
        raise ValidationError(N_("Several people match “{name}”: {names}."), field="person", name=typed,
                              names=", ".join(p.name for p in people[:5]))
    person = people[0]
    if person.position_id is None:
        raise ValidationError(N_("{name} holds no position, so no rule applies: give them one on the Staff "
                                 "screen first."), field="person", name=person.name)
    position = Position.get_by_id(person.position_id)
    chosen = tuple(r for r in rules_for(position.id) if recordable(r))
    if not chosen:
        raise ValidationError(N_("The position {position} has no rule recorded about a person."), field="person",
                              position=position.title_zh)
    return Subject(person.id, person.name, position.title_zh, chosen)
