"""The accounts tests' staff of three, for the PostgreSQL tests."""

from tests.accounts.conftest import cheap_scrypt, staff  # noqa: F401
