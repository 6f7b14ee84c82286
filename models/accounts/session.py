"""Who is acting, and what their role lets them do — enforced here, not only on screen.

One terminal serves one person at a time (a shared terminal switches user, it does not
mix them): the signed-in person is process-wide. Work acts for whoever ``acting_as`` names
in its own thread or task (a ``ContextVar``), so a database worker started by one person
and finishing after the switch still acts for that person. Command-line tools and tests
act through ``acting_as`` too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextvars import ContextVar
from contextlib import contextmanager
from dataclasses import dataclass

from duty_desk.models.errors import N_, DutyError

# Each role can do what the roles before it can, and more.
ROLES = ("officer", "lead", "supervisor", "admin")
ROLE_NAMES = {  # msgids, translated where shown
    "officer": N_("duty officer"),
    "lead": N_("shift lead"),
    "supervisor": N_("supervisor"),
    "admin": N_("administrator"),
}

# action → the least role that may do it
PERMISSIONS: dict[str, str] = {
    # duty log
    "log.write": "officer",
    "log.amend": "officer",
    "log.followup": "officer",
    "log.acknowledge": "lead",
    "log.approve_expense": "lead",
    "log.handover": "lead",
    "log.record_about": "lead",  # an incident, grade or measured value about a named person
    "log.configure": "admin",
    # roster
    "roster.checkin": "officer",
    "roster.swap_request": "officer",
    "roster.swap_accept": "officer",
    "roster.swap_approve": "lead",
    "roster.checkin_for": "lead",
    "roster.accept": "lead",
    "roster.edit": "admin",  # roster set-up is the administrator's (issue: roles)
    # appraisal
    "scores.self": "officer",
    "scores.peer": "officer",
    "scores.supervise": "supervisor",
    "scores.confirm": "supervisor",
    "scores.approve": "supervisor",
    "scores.reopen": "supervisor",
    "scores.period": "admin",
    "scores.view_all": "supervisor",  # every sheet; below that, one's own and peers' criteria
    "scores.export": "supervisor",  # a period's results, anyone's form (one's own: everyone)
    # organisation and the system
    "org.edit": "admin",
    "staff.edit": "admin",
    "audit.read": "admin",
    "system.backup": "admin",
    "system.settings": "admin",
    "account.pin": "officer",  # change one's own PIN
}


@dataclass(frozen=True)
class Actor:
    id: int | None
    name: str
    role: str

    def can(self, action: str) -> bool:
        return role_allows(self.role, action)


SYSTEM = Actor(None, "system", "admin")  # seed, demo and migrations


class PermissionDenied(DutyError):
    """The signed-in person's role does not allow the action."""


_UNSET = object()
# Who the work in hand is for: set by ``acting_as`` in this thread or task only, so a
# worker keeps acting for the person who started it even after the terminal switched user.
_acting: ContextVar[object] = ContextVar("duty_acting", default=_UNSET)
_signed_in: list[Actor | None] = [None]  # the person at this terminal's keyboard
_lock = threading.Lock()


def role_allows(role: str, action: str) -> bool:
    needed = PERMISSIONS.get(action)
    if needed is None:
        raise KeyError(f"unknown action {action!r}")
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def current_actor() -> Actor | None:
    """Who acts here: the ``acting_as`` of this thread or task, else the person signed in."""
    acting = _acting.get()
    return _signed_in[0] if acting is _UNSET else acting  # type: ignore[return-value]


def signed_in() -> Actor | None:
    """The person at the keyboard, whatever a worker is acting as."""
    return _signed_in[0]


def sign_in(actor: Actor | None) -> None:
    with _lock:
        _signed_in[0] = actor


def sign_out() -> None:
    sign_in(None)


@contextmanager
def acting_as(actor: Actor | None) -> Iterator[Actor | None]:
    """Act as *actor* in this thread or task for the length of the block."""
    token = _acting.set(actor)
    try:
        yield actor
    finally:
        _acting.reset(token)


def require(action: str) -> Actor:
    """The current actor, if their role allows *action*; otherwise a readable refusal."""
    actor = current_actor()
    if actor is None:
        raise PermissionDenied(N_("Sign in first."))
    if not actor.can(action):
        raise PermissionDenied(
            N_("A {role} may not do this."), role=ROLE_NAMES.get(actor.role, actor.role)
        )
    return actor
