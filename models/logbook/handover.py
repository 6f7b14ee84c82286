"""Handover (交接班): the outgoing shift lead closes the shift, the incoming one countersigns.

The report is drafted from the shift's entries, its open follow-ups (which carry over),
decisions still without an owner 24 hours after they were taken (002 asks they be
assigned within 24 hours), emergencies nobody acknowledged and expenses waiting for
approval, so nothing drops between shifts (002). It is kept as written at the close, and
exports as text or Markdown.
A shift closed more than ``GRACE`` after its end is a late handover; a shift with no
handover at all is a missing one: both are facts for appraisal.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar, Callable

import peewee as pw

from duty_desk.models.appraisal import facts
from duty_desk.models.logbook import chain as log_chain
from duty_desk.models.storage.base import BaseModel, Key
from duty_desk.models.storage.db import writes
from duty_desk.models.errors import N_, DutyError
from duty_desk.models.logbook.followups import (
    NO_DEADLINE, NO_OWNER_FOR, UNASSIGNED_TITLE, FollowUpRow, UnassignedDecision,
                        open_followups, unassigned_decisions)
from duty_desk.models.logbook.chain import stamp
from duty_desk.models.logbook.entries import _append, _author, now
from duty_desk.models.logbook.query import LogRow, rows_in, unacknowledged_emergencies, waiting_expenses
from duty_desk.models.logbook.shift import ShiftInfo, people_on_duty, shift_for, standard_shift
from duty_desk.models.organisation.org import Person
from duty_desk.models.logbook.quick_entry import clean
from duty_desk.models.safe_text import printable
from duty_desk.models.accounts.session import require

GRACE = dt.timedelta(minutes=30)


class Handover(BaseModel):
    shift_start = pw.DateTimeField(unique=True)
    shift_end = pw.DateTimeField(index=True)
    shift = pw.CharField(default="")
    outgoing = pw.ForeignKeyField(Person, index=False, backref="+")
    outgoing_id: ClassVar[Key[int]]
    closed_at = pw.DateTimeField()
    report = pw.TextField()
    note = pw.TextField(default="")
    incoming = pw.ForeignKeyField(Person, null=True, index=False, backref="+")
    incoming_id: ClassVar[Key[int | None]]
    countersigned_at = pw.DateTimeField(null=True)


@dataclass(frozen=True)
class HandoverDraft:
    shift: ShiftInfo
    entries: list[LogRow]
    followups: list[FollowUpRow]
    emergencies: list[LogRow]
    expenses: list[LogRow]
    unassigned: list[UnassignedDecision] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(e.category for e in self.entries)


@dataclass(frozen=True)
class HandoverRow:
    id: int
    shift: str
    shift_start: dt.datetime
    shift_end: dt.datetime
    outgoing: str
    closed_at: dt.datetime
    report: str
    note: str
    incoming: str | None
    countersigned_at: dt.datetime | None


def draft(at: dt.datetime | None = None, person_id: int | None = None) -> HandoverDraft:
    """What the shift holding *at* hands over."""
    at = at or now()
    shift = shift_for(person_id, at)
    return HandoverDraft(shift, rows_in(shift.start, shift.end), open_followups(at),
                         unacknowledged_emergencies(), waiting_expenses(), unassigned_decisions(at))


def _money(cents: int | None) -> str:
    return "" if cents is None else f"¥{cents / 100:.2f}"


# Every ASCII punctuation mark Markdown might read (CommonMark lets each be escaped): stored
# text in a report stays text, never a heading, emphasis, a link or HTML when rendered.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+.!|<>~:&]|^-)")  # "." and ":" too: no bare link
_MD_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~:&])")


def md(text: str) -> str:
    """Stored text (an entry, a name, a note) escaped for a Markdown report."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(clean(str(text)).split()))


def report_markdown(d: HandoverDraft, note: str = "", t: Callable[[str], str] = lambda s: s,
                    name: Callable[[str, str], str] = lambda zh, en: zh or en) -> str:
    """The report as Markdown; *t* translates headings, *name* picks a category's name."""
    at_now = now()
    lines = [f"# {t(N_('Handover report'))}: {md(d.shift.label)}",
             "", f"{t(N_('Shift'))}: {d.shift.start:%Y-%m-%d %H:%M} – {d.shift.end:%Y-%m-%d %H:%M}", ""]
    if note.strip():
        lines += [f"## {t(N_('Note from the outgoing lead'))}", "", md(note), ""]
    lines += [f"## {t(N_('Emergencies not yet acknowledged'))}", ""]
    none = [f"- {t(N_('none'))}"]
    lines += [f"- #{e.seq} {e.at:%m-%d %H:%M} {md(e.post)} {md(e.text)}" for e in d.emergencies] or none
    lines += ["", f"## {t(N_('Open follow-ups (carried over)'))}", ""]
    for f in d.followups:
        mark = f" **{t(N_('OVERDUE'))}**" if f.overdue(at_now) else ""
        due = f"{t(N_('due'))} {f.due_at:%m-%d %H:%M}" if f.due_at else t(NO_DEADLINE)
        lines.append(f"- #{f.entry_seq} {md(f.what)} — {md(f.owner)}, {due}{mark}")
    if not d.followups:
        lines.append(f"- {t(N_('none'))}")
    if d.unassigned:  # only when there are some: a report without them reads as before
        lines += ["", f"## {t(UNASSIGNED_TITLE)}", ""]
        for u in d.unassigned:
            lines.append(f"- #{u.seq} {u.at:%m-%d %H:%M} {md(u.post) + ' ' if u.post else ''}{md(u.text)} "
                         f"({md(u.author)}) — **{t(NO_OWNER_FOR).format(hours=u.hours)}**")
    lines += ["", f"## {t(N_('Expenses waiting for approval'))}", ""]
    lines += [f"- #{e.seq} {_money(e.amount_cents)} {md(e.text)} ({md(e.author)})" for e in d.expenses] or none
    counts = d.counts()
    patrols = [e for e in d.entries if e.category == "patrol"]
    lines += ["", f"## {t(N_('Entries of the shift'))} ({len(d.entries)})", ""]
    if patrols:
        lines.append(f"- {t(N_('Patrols'))}: {len(patrols)}, {t(N_('last'))} {patrols[-1].at:%H:%M}")
    for e in d.entries:
        if e.category == "patrol" and e.severity == "normal":
            continue
        flag = {"emergency": "‼ ", "important": "! "}.get(e.severity, "")
        amended = f" ({t(N_('corrects'))} #{e.amends_seq})" if e.amends_seq else ""
        lines.append(f"- {e.at:%H:%M} #{e.seq} {flag}\\[{md(name(e.category_zh, e.category_en))}\\] "
                     f"{md(e.post) + ' ' if e.post else ''}{md(e.text)} ({md(e.author)}){amended}")
    if len(counts) and not d.entries:
        lines.append(f"- {t(N_('none'))}")
    # Copied into the paper handover book, it lets ``duty check --anchor-was`` catch a rewrite.
    lines += ["", f"{t(N_('Logbook anchor'))}: {log_chain.anchor()}"]
    return "\n".join(lines) + "\n"


def markdown_to_text(markdown: str) -> str:
    """Plain text for a printer: headings underlined, emphasis marks dropped."""
    out = []
    for line in markdown.splitlines():
        if line.startswith("#"):
            title = _MD_ESCAPED.sub(r"\1", line.lstrip("#").strip())
            out += [title, ("=" if line.startswith("# ") else "-") * max(4, len(title.encode("gbk", "replace")))]
        else:
            out.append(_MD_ESCAPED.sub(r"\1", line.replace("**", "")))
    return "\n".join(out) + "\n"


@writes
def close_shift(note: str = "", at: dt.datetime | None = None, report: str | None = None) -> int:
    """The outgoing shift lead closes the shift with its report; the handover's id."""
    actor = require("log.handover")
    lead = _author(actor)
    moment = at or now()
    d = draft(moment, lead)
    if Handover.select().where(Handover.shift_start == stamp(d.shift.start)).exists():
        raise DutyError(N_("The shift {shift} is handed over already."), shift=d.shift.label)
    text = report if report is not None else report_markdown(d, note)
    handover_id = Handover.insert(shift_start=stamp(d.shift.start), shift_end=stamp(d.shift.end),
                                  shift=d.shift.label, outgoing=lead, closed_at=stamp(now()),
                                  report=text, note=clean(note).strip()).execute()
    _append(lead, "handover", f"[{d.shift.label}] {clean(note).strip() or '—'}", now(), "normal", None)
    return handover_id


@writes
def countersign(handover_id: int) -> None:
    """The incoming shift lead has read the report and takes over."""
    actor = require("log.handover")
    lead = _author(actor)
    item = Handover.get_or_none(Handover.id == handover_id)
    if item is None:
        raise DutyError(N_("There is no handover {id}."), id=handover_id)
    if item.incoming_id is not None:
        raise DutyError(N_("This handover is countersigned already."))
    if item.outgoing_id == lead:
        raise DutyError(N_("The incoming shift lead countersigns, not the one who handed over."))
    Handover.update(incoming=lead, countersigned_at=stamp(now())).where(Handover.id == handover_id).execute()


def _plain(h: Handover, names: dict[int, str]) -> HandoverRow:
    return HandoverRow(h.id, h.shift, h.shift_start, h.shift_end, names.get(h.outgoing_id, "?"), h.closed_at,
                       h.report, h.note, names.get(h.incoming_id) if h.incoming_id else None, h.countersigned_at)


def handovers(limit: int = 20) -> list[HandoverRow]:
    """The newest handovers first."""
    items = list(Handover.select().order_by(Handover.shift_start.desc()).limit(limit))
    ids = {h.outgoing_id for h in items} | {h.incoming_id for h in items if h.incoming_id}
    names = {p.id: p.name for p in Person.select(Person.id, Person.name).where(Person.id.in_(list(ids)))}
    return [_plain(h, names) for h in items]


def get(handover_id: int | None = None) -> HandoverRow | None:
    """One handover, or the newest when no id is given."""
    query = Handover.select()
    query = query.where(Handover.id == handover_id) if handover_id else query.order_by(Handover.shift_start.desc())
    h = query.first()
    if h is None:
        return None
    ids = [h.outgoing_id] + ([h.incoming_id] if h.incoming_id else [])
    names = {p.id: p.name for p in Person.select(Person.id, Person.name).where(Person.id.in_(ids))}
    return _plain(h, names)


def export(handover_id: int | None = None, fmt: str = "markdown", t: Callable[[str], str] = lambda s: s) -> str:
    """The report as written, with who handed over and who countersigned, for printing."""
    h = get(handover_id)
    if h is None:
        raise DutyError(N_("There is no handover to export yet."))
    sign = [f"{t(N_('Handed over by'))}: {h.outgoing}, {h.closed_at:%Y-%m-%d %H:%M}",
            f"{t(N_('Countersigned by'))}: " + (f"{h.incoming}, {h.countersigned_at:%Y-%m-%d %H:%M}"
                                                 if h.incoming else t(N_('not yet')))]
    # The report is stored text: printed or written, it must not drive the terminal.
    markdown = printable(h.report.rstrip("\n") + "\n\n" + "\n".join(f"- {s}" for s in sign) + "\n", multiline=True)
    if fmt == "markdown":
        return markdown
    if fmt == "text":
        return markdown_to_text(markdown)
    raise DutyError(N_("Unknown format {fmt}: use text or markdown."), fmt=fmt)


def _lead_of(shift: ShiftInfo) -> int | None:
    on_duty = people_on_duty(shift.end - dt.timedelta(minutes=1))
    leads = [pid for pid, role in on_duty if role == "lead"]
    return leads[0] if leads else shift.lead_id


@writes
def record_handover_facts(start: dt.datetime, end: dt.datetime) -> list[tuple[str, int]]:
    """Record late and missing handovers of shifts that ended in [start, end); (code, person) each."""
    require("log.write")
    recorded = []
    for h in Handover.select().where(Handover.shift_end >= stamp(start), Handover.shift_end < stamp(end)):
        if h.closed_at > h.shift_end + GRACE:
            facts.record(h.outgoing_id, "late_handover", h.closed_at, "handover", h.id, h.shift)
            recorded.append(("late_handover", h.outgoing_id))
    # Missing: standard shift ends with no handover, where the roster names the lead.
    shift = standard_shift(start)
    while shift.end < end:
        if shift.end >= start and shift.end + GRACE < now():
            exists = Handover.select().where(Handover.shift_start == stamp(shift.start)).exists()
            lead = _lead_of(shift)
            if not exists and lead is not None:
                ref = int(shift.start.timestamp()) // 60  # one fact per shift: minutes since the epoch
                facts.record(lead, "missing_handover", shift.end, "handover", ref, shift.label)
                recorded.append(("missing_handover", lead))
        shift = standard_shift(shift.end)
    return recorded
