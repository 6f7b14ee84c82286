"""The base model every table derives from."""

import peewee

from duty_desk.models.storage.db import db


class BaseModel(peewee.Model):
    class Meta:
        database = db
        legacy_table_names = False
