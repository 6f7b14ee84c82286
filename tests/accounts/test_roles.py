"""Every role × every action: allowed or refused in models/, as the issue sets them out.

Duty officer: log, own check-in, swap requests, own self-assessment. Shift lead: also
acknowledge emergencies, approve swaps, hand over. Supervisor: also score, confirm
deductions, approve. Admin: also positions, staff, roster set-up, the system.
"""

from __future__ import annotations

import pytest

from duty_desk.models.accounts import credentials as accounts
from duty_desk.models.organisation.org import Person
from duty_desk.models.accounts.session import PERMISSIONS, ROLES, Actor, PermissionDenied, acting_as, require

# The least role for each action, written out from the issue (not read from PERMISSIONS).
EXPECTED = {
    "log.write": "officer", "log.amend": "officer", "log.followup": "officer",
    "log.acknowledge": "lead", "log.approve_expense": "lead", "log.handover": "lead",
    "log.configure": "admin",
    "roster.checkin": "officer", "roster.swap_request": "officer", "roster.swap_accept": "officer",
    "roster.swap_approve": "lead", "roster.checkin_for": "lead", "roster.accept": "lead",
    "roster.edit": "admin",
    "scores.self": "officer", "scores.peer": "officer",
    "scores.supervise": "supervisor", "scores.confirm": "supervisor", "scores.approve": "supervisor",
    "scores.reopen": "supervisor", "scores.period": "admin",
    "org.edit": "admin", "staff.edit": "admin", "audit.read": "admin",
    "system.backup": "admin", "system.settings": "admin",
    "account.pin": "officer",
}
ADMIN_ONLY_AREAS = ("org.", "staff.", "audit.", "system.")


def cases():
    for action in sorted(PERMISSIONS):
        for role in ROLES:
            yield action, role


@pytest.mark.parametrize("action,role", list(cases()))
def test_every_role_and_action(action, role):
    actor = Actor(99, "someone", role)
    if action in EXPECTED:
        allowed = ROLES.index(role) >= ROLES.index(EXPECTED[action])
    else:  # an action added since: at least the admin areas stay admin-only
        allowed = ROLES.index(role) >= ROLES.index(PERMISSIONS[action])
        if action.startswith(ADMIN_ONLY_AREAS):
            assert PERMISSIONS[action] == "admin", f"{action} must be admin-only"
    with acting_as(actor):
        if allowed:
            assert require(action) is actor
        else:
            with pytest.raises(PermissionDenied):
                require(action)


def test_every_expected_action_exists():
    assert set(EXPECTED) <= set(PERMISSIONS)


def test_nobody_signed_in_may_do_anything():
    for action in PERMISSIONS:
        with pytest.raises(PermissionDenied, match="Sign in"):
            require(action)


def test_an_unknown_role_may_do_nothing():
    with acting_as(Actor(5, "x", "visitor")):
        for action in PERMISSIONS:
            with pytest.raises(PermissionDenied):
                require(action)


@pytest.mark.parametrize("role", ROLES)
def test_staff_edits_are_refused_in_models_below_admin(staff, role):
    me = Actor(staff["张敏"].id, "张敏", role)
    before = Person.select().count()
    target = staff["李娜"].id
    calls = [
        lambda: accounts.add_person("新人", "officer", None, "5791"),
        lambda: accounts.edit_person(target, "李娜", "admin", None, True),
        lambda: accounts.reset_pin(target, "9731"),
        lambda: accounts.set_setting("lock_minutes", 9),
    ]
    with acting_as(me):
        for call in calls:
            if role == "admin":
                call()
            else:
                with pytest.raises(PermissionDenied):
                    call()
    if role != "admin":
        assert Person.select().count() == before
        assert Person.get_by_id(target).role == "lead"
        assert accounts.get_setting("lock_minutes") == accounts.DEFAULT_LOCK_MINUTES
    else:
        assert Person.select().count() == before + 1
        assert Person.get_by_id(target).role == "admin"
        assert accounts.get_setting("lock_minutes") == 9
