"""Fixtures for the duty log: a seeded database with a small duty office."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from duty_desk.models.organisation.org import Person
from duty_desk.models.accounts.session import Actor, sign_in


def _person(name: str, role: str) -> Actor:
    person = Person.create(name=name, role=role)
    return Actor(person.id, name, role)


@pytest.fixture
def office(seeded_db):
    """Two duty officers, two shift leads and an administrator; nobody signed in."""
    people = SimpleNamespace(
        officer=_person("王晓东", "officer"),
        officer2=_person("Li Na", "officer"),
        lead=_person("陈海燕", "lead"),
        lead2=_person("赵国庆", "lead"),
        admin=_person("周文静", "admin"),
        path=seeded_db,
    )
    yield people
    sign_in(None)


@pytest.fixture
def noon():
    return dt.datetime(2026, 11, 20, 12, 0)
