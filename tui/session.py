"""Who the app acts for when it starts."""

from __future__ import annotations

from duty_desk.models.organisation.org import Person
from duty_desk.models.accounts.session import Actor


def actor_for(person: Person) -> Actor:
    return Actor(person.id, person.name, person.role)


def initial_actor(name: str | None = None) -> Actor | None:
    """The person named on the command line, or else the first administrator."""
    query = Person.select().where(Person.active == True)  # noqa: E712
    if name:
        person = query.where(Person.name == name).first()
    else:
        person = query.where(Person.role == "admin").order_by(Person.id).first()
    return actor_for(person) if person else None
