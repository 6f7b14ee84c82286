"""Roster rules, shown before they bite.

A shift with no lead, a post short of officers, a person in two places at once, too little
rest between two duties, a duty on a day of leave, and hours of a day with no shift lead on
duty anywhere (002 keeps 24-hour cover with a shift lead: 確保24小時值班需求, 設值班長).
Only the double booking is impossible (``models.roster.duties.assign`` refuses it, but two
terminals or an old database can still hold one); the rest are warnings a shift lead may
accept, which marks them without hiding them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from duty_desk.models.storage.db import db, writes
from duty_desk.models.errors import N_, DutyError
from duty_desk.models.roster.duties import (
    LONGEST_SHIFT, NeedRow, PostRow, ShiftRow, WarningAcceptance, needs, posts, setting, shifts)
from duty_desk.models.dates import stored_date, stored_moment
from duty_desk.models.accounts.session import require
from duty_desk.models import clock

KINDS = {  # kind → msgid of its name, in the order the summary lists them
    "double": N_("double booked"),
    "no_lead": N_("no lead"),
    "short": N_("short of officers"),
    "rest": N_("too little rest"),
    "leave": N_("on duty while on leave"),
    "lead_cover": N_("hours without a shift lead"),
}

MESSAGES = {
    "double": N_("{name} is in two places at once on {day}: {shift} and {other}."),
    "no_lead": N_("No shift lead on {shift} of {day}."),
    "short": N_("{post} has {have} of {need} duty officers on {shift} of {day}."),
    "rest": N_("{name} has only {hours} h rest before {shift} of {day} (minimum {minimum} h)."),
    "leave": N_("{name} is on leave on {day} but on duty: {shift}."),
    "lead_cover": N_("{weekday} {day} {hours}: no shift lead (24-hour cover)"),
}

# 002 line 16: a shift lead on duty every hour of the day (24小時值班). The document's, not local.
COVER = dt.timedelta(hours=24)
WEEKDAYS = (("周一", "Mon"), ("周二", "Tue"), ("周三", "Wed"), ("周四", "Thu"), ("周五", "Fri"), ("周六", "Sat"),
            ("周日", "Sun"))


@dataclass(frozen=True)
class CoverageWarning:
    kind: str
    day: dt.date
    shift_id: int | None
    post_id: int | None
    person_id: int | None
    assignment_id: int | None
    params: dict
    accepted: bool = False

    @property
    def key(self) -> str:
        key = warning_key(self.kind, self.day, self.shift_id, self.post_id, self.person_id)
        # An accepted gap in cover is those hours: a different gap that day is a new warning.
        return f"{key}:{self.params['hours']}" if self.kind == "lead_cover" else key

    @property
    def msgid(self) -> str:
        return MESSAGES[self.kind]

    @property
    def impossible(self) -> bool:
        return self.kind == "double"

    def text(self, translate=lambda s: s, choose=lambda zh, en: zh or en) -> str:
        """The sentence; a (zh, en) pair among the params (a shift or post name) goes through *choose*."""
        params = {k: choose(*v) if isinstance(v, tuple) else v for k, v in self.params.items()}
        return translate(self.msgid).format(**params)


@dataclass
class Coverage:
    first_day: dt.date
    last_day: dt.date
    warnings: list[CoverageWarning] = field(default_factory=list)

    def counts(self, open_only: bool = True) -> dict[str, int]:
        out = {kind: 0 for kind in KINDS}
        for w in self.warnings:
            if not (open_only and w.accepted):
                out[w.kind] += 1
        return out

    @property
    def open(self) -> list[CoverageWarning]:
        return [w for w in self.warnings if not w.accepted]

    def at(self, day: dt.date, shift_id: int, post_id: int | None = None) -> list[CoverageWarning]:
        return [w for w in self.warnings if w.day == day and w.shift_id == shift_id
                and (post_id is None or w.post_id in (None, post_id))]


def warning_key(kind: str, day: dt.date, shift_id, post_id, person_id) -> str:
    return f"{kind}:{day.isoformat()}:{shift_id or ''}:{post_id or ''}:{person_id or ''}"


_ROWS = ("SELECT a.id, a.person_id, p.name, a.role, a.day, a.shift_id, a.post_id, a.starts_at, a.ends_at "
         "FROM assignment a JOIN person p ON p.id = a.person_id WHERE a.day >= ? AND a.day <= ? ")


def check(first_day: dt.date, last_day: dt.date, post_id: int | None = None,
          shift_rows: list[ShiftRow] | None = None, post_rows: list[PostRow] | None = None,
          need_rows: dict[tuple[int, int], NeedRow] | None = None) -> Coverage:
    """Every warning for roster days ``[first_day, last_day]`` (one post's, or all), in day order."""
    shift_rows = shift_rows if shift_rows is not None else shifts()
    post_rows = post_rows if post_rows is not None else posts()
    need_rows = need_rows if need_rows is not None else needs()
    shift_by_id = {s.id: s for s in shift_rows}
    post_by_id = {p.id: p for p in post_rows}
    min_rest = dt.timedelta(hours=setting("min_rest_hours"))
    cover = Coverage(first_day, last_day)
    out = cover.warnings
    # Duties from two days before: a night duty (and the rest after it) reaches into the range.
    lookback = first_day - dt.timedelta(days=2)
    span = (lookback.isoformat(), last_day.isoformat())
    leads: dict[tuple[dt.date, int], int] = defaultdict(int)
    if post_id is None:
        rows = db.execute_sql(_ROWS + "ORDER BY a.person_id, a.starts_at", span).fetchall()
    else:
        # One post: only the people on duty there, with all their duties around the range
        # (for rest and double bookings); shift leads are counted over every post.
        rows = db.execute_sql(
            _ROWS + "AND a.person_id IN (SELECT person_id FROM assignment WHERE +post_id = ? AND day >= ? "
            "AND day <= ?) ORDER BY a.person_id, a.starts_at",
            (*span, post_id, first_day.isoformat(), last_day.isoformat())).fetchall()
        for day, shift_id, n in db.execute_sql(
                "SELECT day, shift_id, count(*) FROM assignment WHERE day >= ? AND day <= ? AND role = 'lead' "
                "GROUP BY day, shift_id", (first_day.isoformat(), last_day.isoformat())):
            leads[(stored_date(day), shift_id)] = n

    def shift_name(shift_id):
        s = shift_by_id.get(shift_id)
        return (s.name_zh, s.name_en) if s else (f"#{shift_id}", "")

    officers: dict[tuple[dt.date, int, int], int] = defaultdict(int)
    leave = _leave(first_day, last_day)
    previous = None
    for row in rows:
        aid, pid, name, role, day, shift_id, a_post, starts, ends = row
        day, starts, ends = stored_date(day), stored_moment(starts), stored_moment(ends)
        in_range = day >= first_day
        if in_range:
            if role == "lead":
                if post_id is None:
                    leads[(day, shift_id)] += 1
            else:
                officers[(day, shift_id, a_post)] += 1
        mine = post_id is None or a_post == post_id
        if previous is not None and previous[1] == pid and in_range and mine:
            p_end, p_shift, p_day = previous[8], previous[5], previous[4]
            if p_end > starts:
                out.append(CoverageWarning("double", day, shift_id, a_post, pid, aid,
                                   {"name": name, "day": day.isoformat(), "shift": shift_name(shift_id),
                                    "other": tuple(f"{n} {p_day:%m-%d}" for n in shift_name(p_shift))}))
            elif starts - p_end < min_rest:
                hours = (starts - p_end).total_seconds() / 3600
                out.append(CoverageWarning("rest", day, shift_id, a_post, pid, aid,
                                   {"name": name, "day": day.isoformat(), "shift": shift_name(shift_id),
                                    "hours": f"{hours:g}", "minimum": f"{min_rest.total_seconds() / 3600:g}"}))
        if in_range and mine and pid in leave:
            for l_first, l_last in leave[pid]:
                if starts < dt.datetime.combine(l_last + dt.timedelta(days=1), dt.time()) and \
                        ends > dt.datetime.combine(l_first, dt.time()):
                    out.append(CoverageWarning("leave", day, shift_id, a_post, pid, aid,
                                       {"name": name, "day": day.isoformat(), "shift": shift_name(shift_id)}))
                    break
        if previous is None or previous[1] != pid or ends > previous[8]:
            previous = (aid, pid, name, role, day, shift_id, a_post, starts, ends)

    staffed = defaultdict(list)  # shift id → its needs: a shift no post needs is not staffed
    for (shift_id, p_id), need in need_rows.items():
        if shift_id in shift_by_id and p_id in post_by_id:
            staffed[shift_id].append(need)
    day = first_day
    while day <= last_day:
        for s in shift_rows:
            if not staffed.get(s.id):
                continue
            lead_posts = [n.post_id for n in staffed[s.id] if n.leads > 0]
            lead_post = lead_posts[0] if lead_posts else None
            if leads[(day, s.id)] == 0 and (post_id is None or lead_post in (None, post_id)):
                out.append(CoverageWarning("no_lead", day, s.id, lead_post, None, None,
                                   {"day": day.isoformat(), "shift": (s.name_zh, s.name_en)}))
            for need in staffed[s.id]:
                if post_id is not None and need.post_id != post_id:
                    continue
                have = officers[(day, s.id, need.post_id)]
                if have < need.officers:
                    post = post_by_id[need.post_id]
                    out.append(CoverageWarning("short", day, s.id, need.post_id, None, None,
                                       {"post": (post.name_zh, post.name_en), "have": have,
                                        "need": need.officers, "day": day.isoformat(),
                                        "shift": (s.name_zh, s.name_en)}))
        day += dt.timedelta(days=1)

    # 24-hour cover, where the roster asks for shift leads at all; like "no lead" it belongs
    # to the post whose shifts need the lead (any post's lead covers the office).
    lead_posts = {n.post_id for needs_of in staffed.values() for n in needs_of if n.leads > 0}
    if lead_posts and (post_id is None or post_id in lead_posts):
        out.extend(lead_cover(first_day, last_day))

    accepted = _accepted(first_day, last_day)
    if accepted:
        cover.warnings = [CoverageWarning(w.kind, w.day, w.shift_id, w.post_id, w.person_id, w.assignment_id, w.params,
                                  w.key in accepted) for w in out]
    order = {s.id: n for n, s in enumerate(shift_rows)}
    cover.warnings.sort(key=lambda w: (w.day, order.get(w.shift_id, 99), list(KINDS).index(w.kind)))
    return cover


def lead_cover(first_day: dt.date, last_day: dt.date) -> list[CoverageWarning]:
    """One warning per day of ``[first_day, last_day]`` with hours no shift lead is on duty."""
    start = dt.datetime.combine(first_day, dt.time())
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time())
    rows = db.execute_sql(
        "SELECT starts_at, ends_at FROM assignment WHERE role = 'lead' AND starts_at >= ? AND starts_at < ? "
        "ORDER BY starts_at", ((start - LONGEST_SHIFT).isoformat(" "), end.isoformat(" "))).fetchall()
    covered: list[list[dt.datetime]] = []  # merged spans with a lead on duty
    for starts, ends in rows:
        starts, ends = stored_moment(starts), stored_moment(ends)
        if covered and starts <= covered[-1][1]:
            covered[-1][1] = max(covered[-1][1], ends)
        else:
            covered.append([starts, ends])
    out = []
    day = first_day
    while day <= last_day:
        lo = dt.datetime.combine(day, dt.time())
        hi = lo + COVER
        gaps, at = [], lo
        for starts, ends in covered:
            if ends <= at or starts >= hi:
                continue
            if starts > at:
                gaps.append((at, starts))
            at = max(at, ends)
        if at < hi:
            gaps.append((at, hi))
        if gaps:
            hours = ", ".join(_hours(a, b, lo) for a, b in gaps)
            out.append(CoverageWarning("lead_cover", day, None, None, None, None,
                                       {"weekday": WEEKDAYS[day.weekday()], "day": day.isoformat(), "hours": hours}))
        day += dt.timedelta(days=1)
    return out


def _hours(a: dt.datetime, b: dt.datetime, midnight: dt.datetime) -> str:
    """"03–07" on the hour, "03:30–07:00" otherwise; the day's end is 24."""
    whole = a.minute == 0 and b.minute == 0
    end = ("24" if whole else "24:00") if b - midnight == COVER else f"{b:%H}" if whole else f"{b:%H:%M}"
    return f"{a:%H}–{end}" if whole else f"{a:%H:%M}–{end}"


def _leave(first_day: dt.date, last_day: dt.date) -> dict[int, list[tuple[dt.date, dt.date]]]:
    out: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for pid, first, last in db.execute_sql(
            "SELECT person_id, first_day, last_day FROM leave WHERE first_day <= ? AND last_day >= ?",
            ((last_day + dt.timedelta(days=1)).isoformat(), (first_day - dt.timedelta(days=1)).isoformat())):
        out[pid].append((stored_date(first), stored_date(last)))
    return out


def _accepted(first_day: dt.date, last_day: dt.date) -> set[str]:
    keys = set()
    for kind in KINDS:
        lo, hi = f"{kind}:{first_day.isoformat()}", f"{kind}:{last_day.isoformat()};"
        keys.update(k for (k,) in db.execute_sql(
            "SELECT key FROM warning_acceptance WHERE key >= ? AND key < ?", (lo, hi)))
    return keys


@writes
def accept(warning: CoverageWarning, note: str = "") -> int:
    """A shift lead accepts a warning: it stays in view, marked, and leaves the open count."""
    actor = require("roster.accept")
    if warning.impossible:
        raise DutyError(N_("A double booking cannot be accepted: remove one of the two duties."))
    return (WarningAcceptance.insert(key=warning.key, accepted_by=actor.id, accepted_at=clock.now(),
                                     note=note or "").on_conflict_ignore().execute())


@writes
def withdraw(warning: CoverageWarning) -> None:
    require("roster.accept")
    WarningAcceptance.delete().where(WarningAcceptance.key == warning.key).execute()


def summary(cover: Coverage) -> list[tuple[str, int]]:
    """(msgid of the kind, open count) for every kind with something open."""
    counts = cover.counts()
    return [(KINDS[k], n) for k, n in counts.items() if n]


def double_bookings() -> list[str]:
    """``duty check``: one line per pair of duties that put one person in two places at once."""
    rows = db.execute_sql(
        "SELECT a.person_id, a.id, b.id, a.day FROM assignment a JOIN assignment b "
        "ON b.person_id = a.person_id AND b.id > a.id AND b.starts_at < a.ends_at AND b.ends_at > a.starts_at "
        "AND b.starts_at > datetime(a.starts_at, '-1 day') AND b.starts_at < datetime(a.ends_at, '+1 day')"
    ).fetchall()
    return [f"roster: person {pid} is booked twice on {day} (assignments {a} and {b})" for pid, a, b, day in rows]
