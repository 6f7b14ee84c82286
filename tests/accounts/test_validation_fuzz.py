"""Hypothesis over the sign-in, PIN and staff forms' validation: accept or refuse, never crash."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from duty_desk.models.accounts import credentials as accounts
from duty_desk.models.errors import ValidationError
from duty_desk.models.accounts.session import ROLES


@given(st.text(max_size=30))
@settings(max_examples=400, deadline=None)
def test_pin_validation_accepts_only_ascii_digit_pins(pin):
    try:
        assert accounts.validate_pin(pin) == pin
    except ValidationError as err:
        assert err.field == "pin"
        return
    assert pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 12
    assert len(set(pin)) > 1


# Straight lines of 3+ keys on the keypad (1 2 3 / 4 5 6 / 7 8 9 / 0 under 8), both ways,
# written out by hand: an oracle independent of the program's own walk over the keys.
KEYPAD_LINES = ["123", "456", "789", "147", "258", "369", "580", "2580", "159", "357"]
KEYPAD_RE = re.compile("(?:" + "|".join(sorted(KEYPAD_LINES + [x[::-1] for x in KEYPAD_LINES],
                                               key=len, reverse=True)) + ")+")


def trivial_pin(pin: str) -> bool:
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:])}
    return (steps in ({0}, {1}, {9})  # 1111, runs such as 1234, 9876, 8901
            or re.fullmatch(r"(\d+?)\1+", pin) is not None  # 1212, 123123
            or re.fullmatch(r"(?:(\d)\1+)+", pin) is not None  # 1122, 111222
            or KEYPAD_RE.fullmatch(pin) is not None)  # 2580, 147258369


@given(st.one_of(st.from_regex(r"[0-9]{4,12}", fullmatch=True),
                 st.lists(st.sampled_from(KEYPAD_LINES + ["12", "11", "0"]), min_size=1, max_size=4)
                 .map("".join).filter(lambda p: 4 <= len(p) <= 12)))
@settings(max_examples=300, deadline=None)
def test_a_good_digit_pin_is_accepted_unless_trivial(pin):
    trivial = trivial_pin(pin)
    try:
        accounts.validate_pin(pin)
        assert not trivial
    except ValidationError:
        assert trivial


@given(st.text(max_size=60))
@settings(max_examples=400, deadline=None)
def test_name_validation(name):
    try:
        clean = accounts.validate_name(name)
    except ValidationError as err:
        assert err.field == "name"
        return
    assert clean and clean == clean.strip() and len(clean) <= accounts.NAME_MAX
    assert not any(unicodedata.category(ch).startswith("C") for ch in clean)
    assert "  " not in clean


@given(st.text(max_size=12))
def test_role_validation(role):
    try:
        assert accounts.validate_role(role) in ROLES
    except ValidationError as err:
        assert err.field == "role" and role not in ROLES


@given(st.integers(min_value=0, max_value=100))
def test_the_wait_grows_and_is_capped(failures):
    wait = accounts.wait_after(failures)
    assert 0 <= wait <= accounts.MAX_WAIT_S
    assert wait <= accounts.wait_after(failures + 1)
    assert (wait == 0) == (failures <= accounts.FREE_FAILURES)


@given(st.text(max_size=20), st.text(max_size=20))
@settings(max_examples=200, deadline=None)
def test_search_over_staff_never_fails(name, query):
    row = accounts.StaffRow(1, name, "officer", None, "值班员", "Duty officer", True, True, False, 0)
    assert isinstance(row.matches(query), bool)
    assert row.matches("") is True
