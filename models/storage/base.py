"""The base model every table derives from."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar, overload

import peewee

from duty_desk.models.storage.db import db


T = TypeVar("T")


class Key(Generic[T]):
    """For the type checker only: an attribute peewee adds to a model itself, which its stubs
    cannot see. On the class it is the column (``Person.id.in_(…)``), on a row its value."""

    @overload
    def __get__(self, row: None, model: type[Any]) -> peewee.Field[Any]: ...
    @overload
    def __get__(self, row: object, model: type[Any]) -> T: ...
    def __get__(self, row: object, model: type[Any]) -> Any:
        raise NotImplementedError  # never made: only named in annotations


class BaseModel(peewee.Model):
    # peewee adds the AutoField ``id`` at class creation (RosterSetting, Setting and LogSource
    # key on their own field instead) and, beside each foreign key ``x``, its raw key ``x_id``,
    # which each model declares as ``x_id: ClassVar[Key[int]]``.
    id: ClassVar[Key[int]]

    class Meta:
        database = db
        legacy_table_names = False
