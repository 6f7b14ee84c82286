"""The working screens of the app, each a Textual mode with its own screen stack.

A workspace is reached by its key from every screen and from the command palette, where
it is listed by name in both languages.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from models.errors import N_


@dataclass(frozen=True)
class Workspace:
    mode: str
    key: str
    title: str  # msgid
    target: str  # "module:Class"

    def load(self):
        module, name = self.target.split(":")
        return getattr(importlib.import_module(module), name)


WORKSPACES: tuple[Workspace, ...] = (
    Workspace("positions", "f5", N_("Positions"), "screens.positions:PositionsScreen"),
)
