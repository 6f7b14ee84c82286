"""The working screens of the app, each a Textual mode with its own screen stack.

A workspace is reached by its key from every screen and from the command palette, where
it is listed by name in both languages.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from duty_desk.models.errors import N_


@dataclass(frozen=True)
class Workspace:
    mode: str
    key: str
    title: str  # msgid
    target: str  # "module:Class"

    def load(self):
        module, name = self.target.split(":")
        return getattr(importlib.import_module(module), name)


WORKSPACES: tuple[Workspace, ...] = (  # in the order of their keys
    Workspace("roster", "f2", N_("Roster"), "duty_desk.screens.roster:RosterScreen"),
    Workspace("log", "f3", N_("Duty log"), "duty_desk.screens.log:LogScreen"),
    Workspace("scores", "f4", N_("Score review"), "duty_desk.screens.scores:ScoresScreen"),
    Workspace("positions", "f5", N_("Positions"), "duty_desk.screens.positions:PositionsScreen"),
    Workspace("staff", "f6", N_("Staff"), "duty_desk.screens.staff:StaffScreen"),
    Workspace("audit", "f7", N_("Audit trail"), "duty_desk.screens.audit:AuditScreen"),
)

# Where a signed-in person starts: the shift's logbook is the duty office's daily tool.
START = "log"
