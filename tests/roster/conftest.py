"""A small duty office for roster tests: two posts, a day and a night shift, seven people."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from duty_desk.models.organisation.org import Person
from duty_desk.models.accounts.session import SYSTEM, Actor, acting_as

DAY1 = dt.date(2026, 11, 16)  # a Monday


def actor(person_id: int, role: str, name: str = "") -> Actor:
    return Actor(person_id, name or f"#{person_id}", role)


def build_office():
    from duty_desk.models.roster import duties as roster

    with acting_as(SYSTEM):
        ids = {}
        for name, role in (("王志强", "lead"), ("李海燕", "lead"), ("张立新", "officer"), ("刘文静", "officer"),
                           ("陈俊杰", "officer"), ("杨婷婷", "officer"), ("赵建华", "admin")):
            ids[name] = Person.insert(name=name, role=role).execute()
        cmd = roster.add_post("command", "指挥台", "Command desk")
        patrol = roster.add_post("patrol", "巡逻", "Patrol")
        day = roster.add_shift("D", "白班", "Day", "08:00", "20:00", {cmd: (1, 1), patrol: (0, 2)})
        night = roster.add_shift("N", "夜班", "Night", "20:00", "08:00", {cmd: (1, 1), patrol: (0, 1)})
    names = list(ids)
    return SimpleNamespace(
        cmd=cmd, patrol=patrol, day=day, night=night, ids=ids,
        lead1=ids[names[0]], lead2=ids[names[1]], off1=ids[names[2]], off2=ids[names[3]],
        off3=ids[names[4]], off4=ids[names[5]], sup=ids[names[6]],
        as_sup=actor(ids[names[6]], "admin", names[6]),  # roster set-up is the admin's
        as_lead=actor(ids[names[0]], "lead", names[0]),
        as_lead2=actor(ids[names[1]], "lead", names[1]),
        as_off1=actor(ids[names[2]], "officer", names[2]),
        as_off2=actor(ids[names[3]], "officer", names[3]),
    )


@pytest.fixture
def office(empty_db):
    return build_office()
