"""Fixtures for issue 15: a seeded database with one person of every role."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from duty_desk.models.organisation.org import Person
from duty_desk.models.accounts.session import Actor, sign_in


def _person(name: str, role: str) -> Actor:
    person = Person.create(name=name, role=role)
    return Actor(person.id, name, role)


@pytest.fixture
def desk(seeded_db):
    """A duty officer, a shift lead, a supervisor and an administrator; nobody signed in."""
    people = SimpleNamespace(officer=_person("王晓东", "officer"), lead=_person("陈海燕", "lead"),
                             supervisor=_person("高海燕", "supervisor"), admin=_person("周文静", "admin"))
    yield people
    sign_in(None)
