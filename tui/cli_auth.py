"""Who the command line acts for, proven: a PIN or an API token, never a bare name.

Every verb that reads or writes the desk's data on someone's behalf takes the same
options. ``--as NAME`` names the person; the PIN comes from a prompt on the terminal
(``/dev/tty``, so standard input stays free for ``duty log add -``), from ``--pin-file``
or from ``--pin-fd`` (for scripts), never from an argument, which other accounts can read
in the process list. ``--token-file`` holds an API token an administrator issued
(``duty token add``); the token names its person. A wrong PIN counts toward the same
lockout as at the sign-in screen. ``DUTY_DEV=1`` lets ``--as`` go without proof, for
development only.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from duty_desk.models.errors import N_, DutyError

from duty_desk.tui.i18n import _


class ProofMissing(DutyError):
    """The command line was not told who acts, or how they prove it."""


@dataclass(frozen=True)
class Proven:
    actor: object  # models.accounts.session.Actor
    source: str | None = None  # the token's source, None for a person with a PIN
    token_id: int | None = None
    pin: str | None = None  # the PIN that proved it (changing one's own PIN needs the old one)


def add_options(parser) -> None:
    group = parser.add_argument_group(_("who acts"))
    group.add_argument("--as", dest="as_name", metavar="NAME", help=_("the person acting (asks for their PIN)"))
    group.add_argument("--pin-file", metavar="FILE", help=_("read the PIN from FILE (for scripts)"))
    group.add_argument("--pin-fd", type=int, metavar="N", help=_("read the PIN from file descriptor N"))
    group.add_argument("--token-file", metavar="FILE",
                       help=_("an API token issued by an administrator (duty token add)"))


def _read_secret(args) -> str | None:
    try:
        if args.pin_fd is not None:
            with os.fdopen(os.dup(args.pin_fd), encoding="utf-8") as stream:
                return stream.readline().strip()
        if args.pin_file:
            with open(args.pin_file, encoding="utf-8") as stream:
                return stream.readline().strip()
    except (OSError, ValueError) as exc:
        raise ProofMissing(N_("Cannot read the PIN: {reason}"), reason=getattr(exc, "strerror", None) or str(exc)) \
            from exc
    return _ask(args.as_name)


def _ask(name: str) -> str | None:
    """The PIN typed at the terminal, or None where there is no terminal to ask on."""
    try:
        with open("/dev/tty"):
            pass
    except OSError:
        return None
    return getpass.getpass(_("PIN for {name}: ").format(name=name))


def person_named(name: str):
    from duty_desk.models.organisation.org import Person

    person = Person.get_or_none((Person.name == name) & (Person.active == True))  # noqa: E712
    if person is None:
        raise ProofMissing(N_("No one on the staff is called “{name}”."), name=name)
    return person


def prove(args, action: str) -> Proven:
    """The proven actor for *action*, or a one-sentence refusal (``DutyError``)."""
    from duty_desk.models.accounts import tokens
    from duty_desk.models.accounts.credentials import sign_in_with_pin
    from duty_desk.models.accounts.session import Actor, PermissionDenied, ROLE_NAMES

    if getattr(args, "token_file", None):
        try:
            with open(args.token_file, encoding="utf-8") as stream:
                token = stream.readline().strip()
        except OSError as exc:
            raise ProofMissing(N_("Cannot read the token file: {reason}"), reason=exc.strerror or str(exc)) from exc
        actor, token_id, source = tokens.actor_for_token(token)
        proven = Proven(actor, source, token_id)
    elif getattr(args, "as_name", None):
        person = person_named(args.as_name)
        if os.environ.get("DUTY_DEV") == "1":
            proven = Proven(Actor(person.id, person.name, person.role))
        else:
            pin = _read_secret(args)
            if pin is None:
                raise ProofMissing(N_("{name}'s PIN is needed: run this on a terminal, or give --pin-file or "
                                      "--pin-fd, or use --token-file."), name=person.name)
            proven = Proven(sign_in_with_pin(person.id, pin), pin=pin)
    else:
        raise ProofMissing(N_("Say who acts: --as NAME (then the PIN), or --token-file FILE."))
    if not proven.actor.can(action):
        raise PermissionDenied(N_("A {role} may not do this."), role=ROLE_NAMES.get(proven.actor.role,
                                                                                     proven.actor.role))
    return proven
