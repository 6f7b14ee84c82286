"""Migration 0003 matches the roster's Peewee models: columns, types, keys and indexes."""

import peewee
from playhouse.cysqlite_ext import CySqliteDatabase

from duty_desk.models.roster.checkin import CheckIn
from duty_desk.models.storage.db import db
from duty_desk.models.organisation.org import ORG_MODELS
from duty_desk.models.roster.duties import ROSTER_MODELS
from duty_desk.models.roster.swaps import SwapRequest

MODELS = ROSTER_MODELS + [SwapRequest, CheckIn]


def shape(database, table):
    columns = [(r[1], r[2].upper(), r[3] or r[5] > 0, r[5]) for r in database.execute_sql(f"PRAGMA table_info('{table}')")]
    indexes = {}
    for _seq, name, unique, *_ in database.execute_sql(f"PRAGMA index_list('{table}')"):
        cols = tuple(r[2] for r in database.execute_sql(f"PRAGMA index_info('{name}')"))
        indexes[cols] = unique
    fks = sorted((r[2], r[3], r[4], r[6]) for r in database.execute_sql(f"PRAGMA foreign_key_list('{table}')"))
    return columns, indexes, fks


def test_migration_matches_models(empty_db, tmp_path):
    fresh = CySqliteDatabase(str(tmp_path / "duty_desk.models.storage.db"))
    with fresh.bind_ctx(ORG_MODELS + MODELS):
        fresh.create_tables(ORG_MODELS + MODELS)
        expected = {m._meta.table_name: shape(fresh, m._meta.table_name) for m in MODELS}
    for table, want in expected.items():
        assert shape(db, table) == want, table


def test_models_never_import_textual():
    import subprocess
    import sys

    code = ("import sys, duty_desk.models.roster.duties, duty_desk.models.roster.rotation, "
            "duty_desk.models.roster.coverage, duty_desk.models.roster.swaps, duty_desk.models.roster.checkin, "
            "duty_desk.models.roster.fairness, duty_desk.models.roster.export, duty_desk.models.roster.week, "
            "duty_desk.seed.demo_roster; "
            "print(any(m.startswith(('textual', 'duty_desk.tui')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(
        __import__("pathlib").Path(__file__).resolve().parents[2]))
    assert out.stdout.strip() == "False", out.stderr


def test_peewee_is_the_one_driver():
    assert isinstance(db.obj, peewee.SqliteDatabase)
