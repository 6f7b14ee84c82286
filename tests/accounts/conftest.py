"""Fixtures for the accounts tests: cheap scrypt, a staff of three with PINs."""

from __future__ import annotations

import pytest

from duty_desk.models.accounts import credentials as accounts
from duty_desk.models.accounts.audit import recorded_as
from duty_desk.models.accounts.session import SYSTEM, Actor, acting_as

PINS = {"王伟": "2570", "李娜": "1357", "张敏": "8642"}
ROLES = {"王伟": "admin", "李娜": "lead", "张敏": "officer"}


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch):
    """Tests hash hundreds of PINs: a smaller n keeps them fast (the parameters are stored)."""
    monkeypatch.setitem(accounts.SCRYPT, "n", 2 ** 10)


@pytest.fixture
def staff(seeded_db) -> dict[str, Actor]:
    """王伟 (admin), 李娜 (shift lead), 张敏 (duty officer), each with a PIN."""
    people = {}
    with acting_as(SYSTEM), recorded_as("test set-up"):
        for name, role in ROLES.items():
            pid = accounts.add_person(name, role, None, PINS[name])
            people[name] = Actor(pid, name, role)
    return people
