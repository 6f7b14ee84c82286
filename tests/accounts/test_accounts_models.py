"""PINs, sign-in counting, staff rules and the first run, in models/ terms."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from duty_desk.models.accounts import credentials as accounts
from duty_desk.models.accounts.credentials import Credential, SignInRefused
from duty_desk.models.errors import ValidationError
from duty_desk.models.organisation.org import Person
from duty_desk.models.accounts.session import acting_as


def test_a_pin_is_stored_as_salted_scrypt_with_its_parameters(staff):
    cred = Credential.get(Credential.person == staff["张敏"].id)
    assert "8642" not in cred.pin_hash and len(bytes.fromhex(cred.salt)) == 16
    assert (cred.scrypt_n, cred.scrypt_r, cred.scrypt_p) == (2 ** 10, 8, 1)
    again = hashlib.scrypt(b"8642", salt=bytes.fromhex(cred.salt), n=cred.scrypt_n, r=cred.scrypt_r,
                           p=cred.scrypt_p, dklen=accounts.DKLEN)
    assert again.hex() == cred.pin_hash
    other = Credential.get(Credential.person == staff["李娜"].id)
    assert other.salt != cred.salt


def test_stored_parameters_are_used_after_they_are_raised(staff, monkeypatch):
    monkeypatch.setitem(accounts.SCRYPT, "n", 2 ** 11)
    assert accounts.sign_in_with_pin(staff["张敏"].id, "8642").name == "张敏"


def test_the_comparison_is_constant_time(monkeypatch, staff):
    seen = []
    real = accounts.hmac.compare_digest
    monkeypatch.setattr(accounts.hmac, "compare_digest", lambda a, b: seen.append(1) or real(a, b))
    with pytest.raises(SignInRefused):
        accounts.sign_in_with_pin(staff["张敏"].id, "1111")
    assert seen


def test_five_failures_then_a_growing_wait_then_a_lock(staff):
    pid = staff["张敏"].id
    now = dt.datetime(2026, 11, 20, 8, 0)
    waits = []
    for n in range(1, 11):
        with pytest.raises(SignInRefused) as refused:
            accounts.sign_in_with_pin(pid, "0000", now=now)
        waits.append(refused.value.wait_s)
        cred = Credential.get(Credential.person == pid)
        assert cred.failures == n
        if n < 10:
            # During the wait even the right PIN is refused, and it is not counted.
            if refused.value.wait_s:
                with pytest.raises(SignInRefused, match="wait"):
                    accounts.sign_in_with_pin(pid, "8642", now=now + dt.timedelta(seconds=1))
                assert Credential.get(Credential.person == pid).failures == n
            now += dt.timedelta(seconds=refused.value.wait_s + 1)
    assert waits[:4] == [0, 0, 0, 0]
    assert waits[4:9] == [5, 10, 20, 40, 80]
    assert Credential.get(Credential.person == pid).locked
    with pytest.raises(SignInRefused, match="locked"):
        accounts.sign_in_with_pin(pid, "8642", now=now + dt.timedelta(days=1))


def test_the_count_is_shared_through_the_database(staff):
    """Another terminal sees the same count: it is read back from the row, not kept in memory."""
    pid = staff["张敏"].id
    Credential.update(failures=4).where(Credential.person == pid).execute()
    with pytest.raises(SignInRefused, match="wait 5 s"):
        accounts.sign_in_with_pin(pid, "0000")


def test_a_right_pin_resets_the_count(staff):
    pid = staff["张敏"].id
    for _ in range(3):
        with pytest.raises(SignInRefused):
            accounts.sign_in_with_pin(pid, "0000")
    assert accounts.sign_in_with_pin(pid, "8642").role == "officer"
    assert Credential.get(Credential.person == pid).failures == 0


def test_an_admin_reset_lifts_a_lock(staff):
    pid = staff["张敏"].id
    Credential.update(failures=10, locked=True).where(Credential.person == pid).execute()
    with acting_as(staff["王伟"]):
        accounts.reset_pin(pid, "3690")
    assert accounts.sign_in_with_pin(pid, "3690").id == pid


def test_change_own_pin_needs_the_old_one(staff):
    with acting_as(staff["张敏"]):
        with pytest.raises(ValidationError, match="current PIN"):
            accounts.change_own_pin("1111", "3690")
        accounts.change_own_pin("8642", "3690")
    assert accounts.sign_in_with_pin(staff["张敏"].id, "3690").id == staff["张敏"].id


def test_an_inactive_person_cannot_sign_in(staff):
    with acting_as(staff["王伟"]):
        accounts.edit_person(staff["张敏"].id, "张敏", "officer", None, active=False)
    with pytest.raises(SignInRefused, match="cannot sign in"):
        accounts.sign_in_with_pin(staff["张敏"].id, "8642")
    assert "张敏" not in [p.name for p in accounts.sign_in_choices()]


def test_the_last_admin_cannot_be_demoted(staff):
    with acting_as(staff["王伟"]):
        with pytest.raises(ValidationError, match="last administrator") as err:
            accounts.edit_person(staff["王伟"].id, "王伟", "lead", None, True)
        assert err.value.field == "role"
        accounts.edit_person(staff["李娜"].id, "李娜", "admin", None, True)
        accounts.edit_person(staff["王伟"].id, "王伟", "lead", None, True)
    assert Person.get_by_id(staff["王伟"].id).role == "lead"


def test_names_are_unique_among_active_staff(staff):
    with acting_as(staff["王伟"]):
        with pytest.raises(ValidationError, match="already called") as err:
            accounts.add_person(" 李娜 ", "officer")
        assert err.value.field == "name"


def test_first_run_makes_one_administrator(empty_db):
    assert accounts.needs_first_admin()
    with pytest.raises(ValidationError, match="differ"):
        accounts.create_first_admin("周杰", "2570", "2571")
    actor = accounts.create_first_admin("周杰", "2570", "2570")
    assert actor.role == "admin" and not accounts.needs_first_admin()
    with pytest.raises(Exception, match="already exists"):
        accounts.create_first_admin("冒充者", "3690", "3690")
    assert Person.select().count() == 1


def test_settings_are_checked(staff):
    with acting_as(staff["王伟"]):
        with pytest.raises(ValidationError, match="whole number"):
            accounts.set_setting("lock_minutes", "0")
        with pytest.raises(ValidationError, match="Unknown"):
            accounts.set_setting("colour", "1")
        assert accounts.set_setting("lock_minutes", " 15 ") == 15
    assert accounts.get_setting("lock_minutes") == 15
