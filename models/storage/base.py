"""The base model every table derives from."""

import peewee

from duty_desk.models.storage.db import db


class BaseModel(peewee.Model):
    # peewee adds these at class creation, so its stubs cannot see them: the AutoField ``id``
    # (RosterSetting, Setting and LogSource key on their own field instead) and, beside each
    # foreign key ``x``, the raw key ``x_id`` that each model declares as ``x_id: int``.
    id: int

    class Meta:
        database = db
        legacy_table_names = False
