"""Fixtures for appraisal: a small office with a person appraised, a supervisor and peers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from models.org import Person, Position
from models.session import SYSTEM, Actor, acting_as


@dataclass
class Office:
    officer: Actor  # 木料场会计: a position with duty-fact rules
    supervisor: Actor
    peer: Actor
    peer2: Actor
    admin: Actor
    position_id: int


def actor(person: Person) -> Actor:
    return Actor(person.id, person.name, person.role)


@pytest.fixture
def office(seeded_db) -> Office:
    ruled = Position.get(Position.key == "001-timber-yard-accountant")
    duty = Position.get(Position.key == "002-duty-officer")
    people = [Person.create(name=name, position=pos, role=role) for name, pos, role in (
        ("林晓东", ruled, "officer"), ("高海燕", duty, "supervisor"), ("马志强", ruled, "officer"),
        ("宋丽娟", ruled, "officer"), ("管理员", duty, "admin"))]
    return Office(*(actor(p) for p in people), position_id=ruled.id)


@pytest.fixture
def september(office) -> int:
    """2026-09 opened for everyone on a monthly scheme; the officer's sheet id."""
    from models.scoresheets import open_period, sheet_id_for

    with acting_as(SYSTEM):
        open_period("2026-09", scope="all")
    return sheet_id_for("2026-09", office.officer.id)


def rate_all(sheet_id: int, who: Actor, points, comment: str = "") -> None:
    from models.scoresheets import rate

    values = points if isinstance(points, (list, tuple)) else [points] * 10
    with acting_as(who):
        for seq, value in enumerate(values, 1):
            rate(sheet_id, seq, value, comment, as_peer=who.role != "supervisor" and who.role != "admin")


def at(day: int, hour: int = 3) -> dt.datetime:
    return dt.datetime(2026, 9, day, hour)
