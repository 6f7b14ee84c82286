"""Swaps: an officer asks, the colleague accepts, a shift lead or supervisor approves.

Only the approval changes the roster, and the request stays as its history: who asked, who
accepted, who decided, and when. A swap either hands the duty to the colleague (cover) or
exchanges it for one of the colleague's duties.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import peewee as pw

from duty_desk.models.storage.base import BaseModel, Key
from duty_desk.models.storage.db import writes
from duty_desk.models.errors import N_, DutyError, ValidationError
from duty_desk.models.organisation.org import Person
from duty_desk.models.roster.duties import Assignment, Post, Shift, double_booking, duty
from duty_desk.models.accounts.session import require
from duty_desk.models import clock

STATUSES = {  # status → msgid of its name
    "requested": N_("asked"),
    "accepted": N_("accepted by the colleague"),
    "approved": N_("approved"),
    "declined": N_("declined"),
    "cancelled": N_("withdrawn"),
}
OPEN = ("requested", "accepted")


class SwapRequest(BaseModel):
    assignment = pw.ForeignKeyField(Assignment, null=True, on_delete="SET NULL", backref="+")
    assignment_id: ClassVar[Key[int | None]]
    colleague_assignment = pw.ForeignKeyField(Assignment, null=True, on_delete="SET NULL", backref="+")
    colleague_assignment_id: ClassVar[Key[int | None]]
    day = pw.DateField()  # the asked duty as it was, kept when the duty itself is gone
    shift = pw.ForeignKeyField(Shift, backref="+")
    shift_id: ClassVar[Key[int]]
    post = pw.ForeignKeyField(Post, backref="+")
    post_id: ClassVar[Key[int]]
    requester = pw.ForeignKeyField(Person, backref="+")
    requester_id: ClassVar[Key[int]]
    colleague = pw.ForeignKeyField(Person, backref="+")
    colleague_id: ClassVar[Key[int]]
    status = pw.CharField(default="requested", index=True)
    reason = pw.TextField(default="")
    requested_at = pw.DateTimeField()
    accepted_at = pw.DateTimeField(null=True)
    decided_at = pw.DateTimeField(null=True)
    decided_by = pw.ForeignKeyField(Person, null=True, backref="+")
    decided_by_id: ClassVar[Key[int | None]]
    note = pw.TextField(default="")


@dataclass(frozen=True)
class SwapRow:
    id: int
    status: str
    day: dt.date
    shift_id: int
    shift_zh: str
    shift_en: str
    post_zh: str
    post_en: str
    assignment_id: int | None
    colleague_assignment_id: int | None
    requester_id: int
    requester: str
    colleague_id: int
    colleague: str
    reason: str
    requested_at: dt.datetime
    accepted_at: dt.datetime | None
    decided_at: dt.datetime | None
    decided_by: str | None
    note: str

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


@writes
def request_swap(assignment_id: int, colleague_id: int | None, colleague_assignment_id: int | None = None,
                 reason: str = "") -> int:
    """Ask *colleague_id* to take a duty (or to exchange it for *colleague_assignment_id*)."""
    actor = require("roster.swap_request")
    mine = duty(assignment_id)
    if mine is None:
        raise DutyError(N_("That duty is no longer on the roster."))
    if actor.id != mine.person_id and not actor.can("roster.edit"):
        raise DutyError(N_("You can only offer your own duties for a swap."))
    if colleague_id is None:
        raise ValidationError(N_("Choose the colleague to swap with."), field="colleague")
    if colleague_id == mine.person_id:
        raise ValidationError(N_("A swap needs a colleague, not yourself."), field="colleague")
    if not Person.select().where(Person.id == colleague_id, Person.active == True).exists():  # noqa: E712
        raise ValidationError(N_("That person is not on the staff list."), field="colleague")
    theirs = None
    if colleague_assignment_id is not None:
        theirs = duty(colleague_assignment_id)
        if theirs is None or theirs.person_id != colleague_id:
            raise ValidationError(N_("That duty is not the colleague's."), field="colleague")
    if SwapRequest.select().where(SwapRequest.assignment == assignment_id, SwapRequest.status.in_(OPEN)).exists():
        raise DutyError(N_("This duty already has an open swap request."))
    _check_fits(mine, colleague_id, theirs)
    return SwapRequest.insert(assignment=assignment_id, colleague_assignment=colleague_assignment_id,
                              day=mine.day, shift=mine.shift_id, post=mine.post_id, requester=mine.person_id,
                              colleague=colleague_id, reason=(reason or "").strip(),
                              requested_at=clock.now()).execute()


def _check_fits(mine, colleague_id: int, theirs) -> None:
    """Refuse a swap that would put either person in two places at once."""
    ignore = (mine.assignment_id,) + ((theirs.assignment_id,) if theirs else ())
    double_booking(colleague_id, mine.starts_at, mine.ends_at, ignore=ignore, field="colleague")
    if theirs is not None:
        double_booking(mine.person_id, theirs.starts_at, theirs.ends_at, ignore=ignore, field="colleague")


def _open(swap_id: int) -> SwapRequest:
    swap = SwapRequest.get_or_none(SwapRequest.id == swap_id)
    if swap is None:
        raise DutyError(N_("That swap request no longer exists."))
    if swap.status not in OPEN:
        raise DutyError(N_("That swap request is closed: {status}."), status=STATUSES[swap.status])
    return swap


@writes
def accept_swap(swap_id: int) -> None:
    actor = require("roster.swap_accept")
    swap = _open(swap_id)
    if actor.id != swap.colleague_id:
        raise DutyError(N_("Only the colleague asked can accept this swap."))
    if swap.status != "requested":
        raise DutyError(N_("This swap has been accepted already."))
    swap.status, swap.accepted_at = "accepted", clock.now()
    swap.save()


@writes
def decline_swap(swap_id: int, note: str = "") -> None:
    """The colleague declines, or a shift lead refuses; the requester withdraws."""
    actor = require("roster.swap_request")
    swap = _open(swap_id)
    if actor.id == swap.requester_id:
        swap.status = "cancelled"
    elif actor.id == swap.colleague_id or actor.can("roster.swap_approve"):
        swap.status = "declined"
    else:
        raise DutyError(N_("Only the two colleagues or a shift lead can close this swap."))
    swap.decided_at, swap.decided_by, swap.note = clock.now(), actor.id, (note or "").strip()
    swap.save()


@writes
def approve_swap(swap_id: int, note: str = "") -> None:
    """A shift lead or supervisor approves an accepted swap: only now does the roster change."""
    actor = require("roster.swap_approve")
    swap = _open(swap_id)
    if swap.status != "accepted":
        raise DutyError(N_("The colleague has not accepted this swap yet."))
    if actor.id in (swap.requester_id, swap.colleague_id) and not actor.can("roster.edit"):
        raise DutyError(N_("Someone else must approve a swap you are part of."))
    mine = duty(swap.assignment_id) if swap.assignment_id else None
    if mine is None or mine.person_id != swap.requester_id:
        raise DutyError(N_("The duty of this swap has changed since it was asked; ask again."))
    theirs = None
    if swap.colleague_assignment_id is not None:
        theirs = duty(swap.colleague_assignment_id)
        if theirs is None or theirs.person_id != swap.colleague_id:
            raise DutyError(N_("The duty of this swap has changed since it was asked; ask again."))
    _check_fits(mine, swap.colleague_id, theirs)
    if theirs is not None and (theirs.day, theirs.shift_id) == (mine.day, mine.shift_id):
        # The same shift at two posts: exchange the posts, not the people (one duty per shift each).
        Assignment.update(post=theirs.post_id, role=theirs.role, source="swap").where(
            Assignment.id == mine.assignment_id).execute()
        Assignment.update(post=mine.post_id, role=mine.role, source="swap").where(
            Assignment.id == theirs.assignment_id).execute()
    else:
        Assignment.update(person=swap.colleague_id, source="swap").where(
            Assignment.id == mine.assignment_id).execute()
        if theirs is not None:
            Assignment.update(person=swap.requester_id, source="swap").where(
                Assignment.id == theirs.assignment_id).execute()
    swap.status, swap.decided_at, swap.decided_by = "approved", clock.now(), actor.id
    swap.note = (note or "").strip()
    swap.save()


def swaps(open_only: bool = False, person_id: int | None = None) -> list[SwapRow]:
    """Swap requests, newest first: the open ones, or the whole history."""
    Requester, Colleague, Decider = Person.alias(), Person.alias(), Person.alias()
    S = SwapRequest
    query = (S.select(S.id, S.status, S.day, S.shift, Shift.name_zh, Shift.name_en, Post.name_zh, Post.name_en,
                      S.assignment, S.colleague_assignment, S.requester, Requester.name, S.colleague,
                      Colleague.name, S.reason, S.requested_at, S.accepted_at, S.decided_at, Decider.name, S.note)
             .join_from(S, Shift).join_from(S, Post)
             .join_from(S, Requester, on=(S.requester == Requester.id))
             .join_from(S, Colleague, on=(S.colleague == Colleague.id))
             .join_from(S, Decider, pw.JOIN.LEFT_OUTER, on=(S.decided_by == Decider.id))
             .order_by(S.requested_at.desc(), S.id.desc()))
    if open_only:
        query = query.where(S.status.in_(OPEN))
    if person_id is not None:
        query = query.where((S.requester == person_id) | (S.colleague == person_id))
    return [SwapRow(*row) for row in query.tuples()]
