"""Accounts at a shared terminal: PINs, sign-in with a shared failure count, staff records.

A PIN is stored as a salted scrypt hash (memory-hard, so a stolen file is slow to guess)
with its parameters beside it, so they can be raised later without breaking old PINs.
Wrong PINs are counted in the database, so every terminal sees the same count: after
``FREE_FAILURES`` a growing wait, after ``LOCK_AFTER`` a lock that only an administrator
lifts by setting a new PIN.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import itertools
import logging
import os
import unicodedata
from dataclasses import dataclass
from typing import ClassVar

import peewee as pw

from duty_desk.models.storage.sql_functions import recorded_as
from duty_desk.models.storage.base import BaseModel, Key
from duty_desk.models.storage.db import writes
from duty_desk.models.errors import N_, DatabaseUnavailable, DutyError, ValidationError
from duty_desk.models.organisation.org import Person, Position
from duty_desk.models.accounts.session import ROLES, Actor, require
from duty_desk.models import clock

log = logging.getLogger(__name__)

SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}  # 16 MB and ~50 ms per try
DKLEN = 32
PIN_MIN, PIN_MAX = 4, 12
NAME_MAX = 40
FREE_FAILURES = 4  # the 5th wrong PIN starts the wait
LOCK_AFTER = 10
FIRST_WAIT_S = 5
MAX_WAIT_S = 300
DEFAULT_LOCK_MINUTES = 5
DEFAULT_BACKUP_KEEP = 14


class Credential(BaseModel):
    person = pw.ForeignKeyField(Person, unique=True, backref="credentials", on_delete="CASCADE")
    person_id: ClassVar[Key[int]]
    pin_hash = pw.CharField()
    salt = pw.CharField()
    scrypt_n = pw.IntegerField()
    scrypt_r = pw.IntegerField()
    scrypt_p = pw.IntegerField()
    failures = pw.IntegerField(default=0)
    wait_until = pw.DateTimeField(null=True)
    locked = pw.BooleanField(default=False)
    last_sign_in = pw.DateTimeField(null=True)
    changed = pw.DateTimeField(default=clock.now)


class Setting(BaseModel):
    key = pw.CharField(primary_key=True)
    value = pw.TextField()


class SignInRefused(DutyError):
    """A sign-in that did not succeed; ``wait_s`` says how long before the next try."""

    def __init__(self, msgid: str, wait_s: int = 0, **params):
        super().__init__(msgid, field="pin", **params)
        self.wait_s = wait_s


# -- validation (pure: fuzzed by the tests) --------------------------------------------

_DIGITS = set("0123456789")
# Where each digit sits on a phone or door keypad: 1 2 3 / 4 5 6 / 7 8 9 / 0 under 8.
_KEYPAD = {d: divmod(i, 3) for i, d in enumerate("123456789")} | {"0": (3, 1)}


def _repeats_a_pattern(pin: str) -> bool:
    """1212, 123123 (one block said again) or 1122, 111222 (every digit doubled or more)."""
    n = len(pin)
    if any(n % k == 0 and pin == pin[:k] * (n // k) for k in range(1, n)):
        return True
    blocks = [len(list(group)) for _digit, group in itertools.groupby(pin)]
    return len(blocks) > 1 and min(blocks) >= 2


def _keypad_lines(pin: str) -> bool:
    """The PIN is one swipe along the keypad (2580, 0852) or is made of such straight lines
    of three or more keys (147258369, 789123, 159357): easy to watch and to guess."""

    def straight(part: str) -> bool:
        keys = [_KEYPAD[d] for d in part]
        steps = {(b[0] - a[0], b[1] - a[1]) for a, b in zip(keys, keys[1:])}
        return len(steps) == 1 and max(map(abs, next(iter(steps)))) == 1

    # ends[i]: pin[:i] splits into straight lines of 3+ keys
    ends = [True] + [False] * len(pin)
    for i in range(3, len(pin) + 1):
        ends[i] = any(ends[j] and straight(pin[j:i]) for j in range(0, i - 2))
    return ends[-1]


def validate_pin(pin: str) -> str:
    """A PIN of 4–12 ASCII digits that an onlooker or a guesser does not get at once:
    not one digit repeated, a run, a repeated pattern or a straight line on the keypad."""
    if not isinstance(pin, str) or not pin:
        raise ValidationError(N_("Enter a PIN."), field="pin")
    if not set(pin) <= _DIGITS:
        raise ValidationError(N_("A PIN is digits only (0–9)."), field="pin")
    if not PIN_MIN <= len(pin) <= PIN_MAX:
        raise ValidationError(N_("A PIN has {low} to {high} digits."), field="pin", low=PIN_MIN, high=PIN_MAX)
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:])}
    if steps == {0}:
        raise ValidationError(N_("This PIN is too easy to guess: it is one digit repeated, like 1111."), field="pin")
    if steps in ({1}, {9}):  # up or down by one, round past 0 too (8901)
        raise ValidationError(N_("This PIN is too easy to guess: it is a run of digits, like 1234 or 9876."),
                              field="pin")
    if _repeats_a_pattern(pin):
        raise ValidationError(N_("This PIN is too easy to guess: it repeats a pattern, like 1212 or 1122."),
                              field="pin")
    if _keypad_lines(pin):
        raise ValidationError(N_("This PIN is too easy to guess: it follows straight lines on the keypad, like 2580."),
                              field="pin")
    return pin


def validate_name(name: str) -> str:
    """A person's name as it will be shown: trimmed, printable, at most 40 characters."""
    text = unicodedata.normalize("NFC", name or "").strip()
    if not text:
        raise ValidationError(N_("Enter the person's name."), field="name")
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise ValidationError(N_("The name contains characters that cannot be shown."), field="name")
    if len(text) > NAME_MAX:
        raise ValidationError(N_("A name has at most {count} characters."), field="name", count=NAME_MAX)
    return " ".join(text.split())


def validate_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(N_("Choose a role."), field="role")
    return role


def wait_after(failures: int) -> int:
    """Seconds to wait before the next try after *failures* wrong PINs in a row."""
    if failures <= FREE_FAILURES:
        return 0
    return min(FIRST_WAIT_S * 2 ** (failures - FREE_FAILURES - 1), MAX_WAIT_S)


# -- hashing ---------------------------------------------------------------------------

def hash_pin(pin: str, salt: bytes | None = None, n: int | None = None, r: int | None = None,
             p: int | None = None) -> dict:
    salt = salt if salt is not None else os.urandom(16)
    n, r, p = n or SCRYPT["n"], r or SCRYPT["r"], p or SCRYPT["p"]
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=DKLEN)
    return {"pin_hash": digest.hex(), "salt": salt.hex(), "scrypt_n": n, "scrypt_r": r, "scrypt_p": p}


def pin_matches(pin: str, cred) -> bool:
    """Compare in constant time, with the parameters stored beside the hash."""
    got = hash_pin(pin, bytes.fromhex(cred.salt), cred.scrypt_n, cred.scrypt_r, cred.scrypt_p)
    return hmac.compare_digest(bytes.fromhex(got["pin_hash"]), bytes.fromhex(cred.pin_hash))


# -- plain rows for the screens ----------------------------------------------------------

@dataclass(frozen=True)
class StaffRow:
    id: int
    name: str
    role: str
    position_id: int | None
    position_zh: str
    position_en: str
    active: bool
    has_pin: bool
    locked: bool
    failures: int

    @functools.cached_property
    def _hay(self) -> str:  # built once: the sign-in filters every name on every key
        return " ".join((self.name, self.role, self.position_zh, self.position_en)).lower()

    def matches(self, text: str) -> bool:
        return all(word in self._hay for word in text.lower().split())


@dataclass(frozen=True)
class PositionChoice:
    id: int
    title_zh: str
    title_en: str


def staff_list(include_inactive: bool = True) -> list[StaffRow]:
    # Plain tuples, not model instances: the sign-in reads every person at each start.
    query = (Person.select(Person.id, Person.name, Person.role, Person.position, Position.title_zh,
                           Position.title_en, Person.active, Credential.id, Credential.locked, Credential.failures)
             .join(Position, pw.JOIN.LEFT_OUTER, on=(Person.position == Position.id))
             .switch(Person)
             .join(Credential, pw.JOIN.LEFT_OUTER, on=(Credential.person == Person.id))
             .order_by(Person.active.desc(), Person.name, Person.id))
    if not include_inactive:
        query = query.where(Person.active == True)  # noqa: E712
    return [StaffRow(pid, name, role, position_id, title_zh or "", title_en or "", bool(active), cred_id is not None,
                     bool(locked), failures or 0)
            for pid, name, role, position_id, title_zh, title_en, active, cred_id, locked, failures in query.tuples()]


def sign_in_choices() -> list[StaffRow]:
    """Who can sign in: active people with a PIN."""
    return [r for r in staff_list(include_inactive=False) if r.has_pin]


def position_choices() -> list[PositionChoice]:
    return [PositionChoice(p.id, p.title_zh, p.title_en)
            for p in Position.select().order_by(Position.source_doc, Position.id)]


def needs_first_admin() -> bool:
    """True until an active administrator has a PIN: the first run asks for one."""
    return not (Credential.select().join(Person)
                .where(Person.role == "admin", Person.active == True).exists())  # noqa: E712


def actor_for(person_id: int) -> Actor:
    p = Person.get_by_id(person_id)
    return Actor(p.id, p.name, p.role)


# -- signing in --------------------------------------------------------------------------

def sign_in_with_pin(person_id: int, pin: str, now: dt.datetime | None = None) -> Actor:
    """The person's Actor if *pin* is theirs; otherwise ``SignInRefused``.

    The hash is computed outside any transaction (it takes ~50 ms); only the count is written.
    """
    now = now or clock.now()
    person = Person.get_or_none(Person.id == person_id)
    cred = Credential.get_or_none(Credential.person == person_id)
    if person is None or not person.active or cred is None:
        hash_pin(pin or "0")  # the same time as a real try
        raise SignInRefused(N_("This person cannot sign in: ask an administrator to set a PIN."))
    if cred.locked:
        raise SignInRefused(N_("Too many wrong PINs: the account is locked. Ask an administrator for a new PIN."))
    if cred.wait_until and cred.wait_until > now:
        wait = max(1, int((cred.wait_until - now).total_seconds() + 0.999))
        raise SignInRefused(N_("Too many wrong PINs: wait {seconds} s before the next try."), wait_s=wait,
                            seconds=wait)
    if pin_matches(pin or "", cred):
        _record_success(cred.id, person.name, now)
        return Actor(person.id, person.name, person.role)
    failures, wait, locked = _record_failure(cred.id, person.name, now)
    if locked:
        raise SignInRefused(N_("Too many wrong PINs: the account is locked. Ask an administrator for a new PIN."))
    if wait:
        raise SignInRefused(N_("Wrong PIN. Too many wrong PINs: wait {seconds} s before the next try."),
                            wait_s=wait, seconds=wait)
    if not failures:  # the count could not be written (full disk, read-only file)
        raise SignInRefused(N_("Wrong PIN."))
    return_left = FREE_FAILURES + 1 - failures
    raise SignInRefused(N_("Wrong PIN. {left} more wrong PIN(s) before a wait."), left=return_left)


@writes
def _record_success_tx(cred_id: int, now: dt.datetime) -> None:
    Credential.update(failures=0, wait_until=None, last_sign_in=now).where(Credential.id == cred_id).execute()


def _record_success(cred_id: int, name: str, now: dt.datetime) -> None:
    """Note the sign-in; on a full disk or read-only file it is skipped, not a lock-out:
    the desk must still open for reading when it cannot be written."""
    try:
        with recorded_as(f"sign-in: {name}"):
            _record_success_tx(cred_id, now)
    except DatabaseUnavailable as exc:
        log.warning("sign-in of %s not recorded: %s", name, exc)


@writes
def _record_failure_tx(cred_id: int, now: dt.datetime) -> tuple[int, int, bool]:
    # BEGIN IMMEDIATE holds the write lock, so no other terminal counts in between.
    failures = Credential.select(Credential.failures).where(Credential.id == cred_id).scalar() + 1
    locked = failures >= LOCK_AFTER
    wait = 0 if locked else wait_after(failures)
    Credential.update(failures=failures, locked=locked,
                      wait_until=now + dt.timedelta(seconds=wait) if wait else None
                      ).where(Credential.id == cred_id).execute()
    return failures, wait, locked


def _record_failure(cred_id: int, name: str, now: dt.datetime) -> tuple[int, int, bool]:
    try:
        with recorded_as(f"sign-in: {name}"):
            return _record_failure_tx(cred_id, now)
    except DatabaseUnavailable:  # cannot count it: the PIN is still refused
        return 0, 0, False


def check_pin(person_id: int, pin: str) -> Actor:
    """Unlocking the idle lock: the same rules and count as signing in."""
    return sign_in_with_pin(person_id, pin)


# -- staff -------------------------------------------------------------------------------

def _unique_name(name: str, person_id: int | None) -> None:
    query = Person.select().where(Person.name == name, Person.active == True)  # noqa: E712
    if person_id is not None:
        query = query.where(Person.id != person_id)
    if query.exists():
        raise ValidationError(N_("Someone active is already called {name}: add something to tell them apart."),
                              field="name", name=name)


def _position(position_id: int | None) -> int | None:
    if position_id in (None, ""):
        return None
    if not Position.select().where(Position.id == int(position_id)).exists():
        raise ValidationError(N_("Choose a position from the list."), field="position")
    return int(position_id)


def _credential_fields(pin: str) -> dict:
    return {**hash_pin(validate_pin(pin)), "failures": 0, "wait_until": None, "locked": False,
            "changed": clock.now()}


@writes
def add_person(name: str, role: str, position_id: int | None = None, pin: str | None = None) -> int:
    """Add a member of staff (an administrator's task); with a PIN they can sign in."""
    require("staff.edit")
    name, role = validate_name(name), validate_role(role)
    if pin:
        validate_pin(pin)
    position = _position(position_id)
    _unique_name(name, None)
    person = Person.create(name=name, role=role, position=position, active=True)
    if pin:
        Credential.create(person=person.id, **_credential_fields(pin))
    return person.id


@writes
def edit_person(person_id: int, name: str, role: str, position_id: int | None, active: bool = True) -> None:
    require("staff.edit")
    name, role = validate_name(name), validate_role(role)
    position = _position(position_id)
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise DutyError(N_("This person is no longer in the staff list."))
    if active:
        _unique_name(name, person_id)
    if person.role == "admin" and person.active and (role != "admin" or not active):
        _keep_an_admin(person_id)
    Person.update(name=name, role=role, position=position, active=bool(active)).where(Person.id == person_id).execute()


def _keep_an_admin(leaving_id: int) -> None:
    others = (Credential.select().join(Person)
              .where(Person.role == "admin", Person.active == True, Person.id != leaving_id))  # noqa: E712
    if not others.exists():
        raise ValidationError(N_("This is the last administrator who can sign in: name another first."),
                              field="role")


@writes
def save_person(person_id: int | None, name: str, role: str, position_id: int | None,
                active: bool = True, pin: str = "") -> int:
    """The staff form's one save: the person and, when typed, a new PIN — all or nothing."""
    require("staff.edit")
    validate_name(name), validate_role(role)  # in the form's order, so the first bad field is named
    _position(position_id)
    if pin:
        validate_pin(pin)
    if person_id is None:
        return add_person(name, role, position_id, pin or None)
    edit_person(person_id, name, role, position_id, active)
    if pin:
        reset_pin(person_id, pin)
    return person_id


@writes
def reset_pin(person_id: int, pin: str) -> None:
    """An administrator sets a new PIN; this also lifts a lock."""
    require("staff.edit")
    fields = _credential_fields(pin)
    if not Person.select().where(Person.id == person_id).exists():
        raise DutyError(N_("This person is no longer in the staff list."))
    (Credential.insert(person=person_id, **fields)
     .on_conflict(conflict_target=[Credential.person], update=fields).execute())


@writes
def change_own_pin(old_pin: str, new_pin: str) -> None:
    actor = require("account.pin")
    validate_pin(new_pin)
    cred = Credential.get_or_none(Credential.person == actor.id)
    if cred is None or not pin_matches(old_pin or "", cred):
        raise ValidationError(N_("The current PIN is not right."), field="old_pin")
    Credential.update(**_credential_fields(new_pin)).where(Credential.id == cred.id).execute()


@writes
def _first_admin_tx(name: str, pin: str) -> Actor:
    if not needs_first_admin():
        raise DutyError(N_("An administrator already exists: sign in instead."))
    _unique_name(name, None)
    person = Person.create(name=name, role="admin", active=True)
    Credential.create(person=person.id, **_credential_fields(pin))
    return Actor(person.id, person.name, "admin")


def create_first_admin(name: str, pin: str, repeat: str | None = None) -> Actor:
    """The first run: the person at the keyboard becomes the first administrator."""
    name = validate_name(name)
    validate_pin(pin)
    if repeat is not None and repeat != pin:
        raise ValidationError(N_("The two PINs differ."), field="repeat")
    with recorded_as("first run"):
        return _first_admin_tx(name, pin)


DEMO_MARK_KEY = "demo_as_of"  # set by ``duty demo`` only: the moment the demo was built for


def demo_as_of() -> str | None:
    """When the database is a demo, the moment it was built for ("2027-01-01 12:00")."""
    row = Setting.get_or_none(Setting.key == DEMO_MARK_KEY)
    return row.value if row else None


def demo_pin() -> str | None:
    """The PIN every demo person shares: only on a database marked as a demo, never a live one."""
    if demo_as_of() is None:
        return None
    row = Setting.get_or_none(Setting.key == "demo_pin")
    return row.value if row else None


# -- settings ----------------------------------------------------------------------------

SETTINGS = {  # key → (default, lowest, highest)
    "lock_minutes": (DEFAULT_LOCK_MINUTES, 1, 240),
    "backup_keep": (DEFAULT_BACKUP_KEEP, 1, 365),
    "decision_flag_days": (7, 1, 90),  # how long an unassigned decision stays flagged (models.logbook.followups)
}


def get_setting(key: str) -> int:
    default, _low, _high = SETTINGS[key]
    row = Setting.get_or_none(Setting.key == key)
    try:
        return int(row.value) if row else default
    except ValueError:
        return default


@writes
def set_setting(key: str, value) -> int:
    require("system.settings")
    if key not in SETTINGS:
        raise ValidationError(N_("Unknown setting {key}."), field="key", key=key)
    _default, low, high = SETTINGS[key]
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise ValidationError(N_("{key} takes a whole number from {low} to {high}."), field="value",
                              key=key, low=low, high=high)
    (Setting.insert(key=key, value=str(number))
     .on_conflict(conflict_target=[Setting.key], update={Setting.value: str(number)}).execute())
    return number
