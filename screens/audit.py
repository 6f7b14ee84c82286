"""Audit trail (F7, administrators): every write, newest first, with who, when and what.

Filters: words (in the values, the person's name or a table name), a table and an action.
Enter shows one event's values before and after.
"""

from __future__ import annotations

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Header, Input, Select, Static

from duty_desk.models.accounts import audit
from duty_desk.models.accounts.audit import ACTION_NAMES, Event
from duty_desk.models.accounts.session import PermissionDenied
from duty_desk.tui.footer import DeskFooter
from duty_desk.tui.base import DutyModal, DutyScreen, refusal
from duty_desk.tui.i18n import N_, _, error_text
from duty_desk.tui.text import plain


class AuditScreen(DutyScreen):
    TITLE_MSGID = "Audit trail"
    BINDINGS = [
        Binding("enter", "open", "Details", id="audit-open", show=False),
        Binding("slash", "filter", "Filter", id="audit-filter"),
        Binding("escape", "clear_filter", "Clear filters", id="audit-clear", show=False),
    ]
    ROLE_ACTIONS = {"filter": "audit.read", "open": "audit.read"}  # the screen says whose it is

    def __init__(self):
        super().__init__()
        self.rows: list[Event] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="audit-filters"):
            yield Input(placeholder=_("Words, a name or a value…"), id="audit-text", select_on_focus=False,
                        compact=True)
            yield Select([], prompt=_("every table"), id="audit-table", compact=True)
            yield Select([(_(ACTION_NAMES[a]), a) for a in audit.ACTIONS], prompt=_("any change"),
                         id="audit-action", compact=True)
        yield DataTable(id="audit-table-view", cursor_type="row", zebra_stripes=True)
        yield Static("", id="audit-status", classes="hint")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(_("When"), _("Who"), _("What"), _("Change"))
        self.query_one(DataTable).focus()
        self.fetch(audit.table_names, then=self._tables, group="tables")
        self.reload()

    def _tables(self, names: list[str]) -> None:
        self.query_one("#audit-table", Select).set_options([(plain(n), n) for n in names])

    def reload(self) -> None:
        self.fetch(audit.events, *self._filters(), then=self.show, on_error=self.refused)

    def _filters(self):
        table = self.query_one("#audit-table", Select).value
        action = self.query_one("#audit-action", Select).value
        text = self.query_one("#audit-text", Input).value
        return (None if table in (Select.NULL, Select.BLANK) else table, None,
                None if action in (Select.NULL, Select.BLANK) else action, text)

    def show(self, rows: list[Event]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        width = max(20, self.size.width - 44)
        for event in rows:
            what = f"{event.table_name} #{event.row_id} {_(ACTION_NAMES.get(event.action, event.action))}"
            # Values before and after are whatever was stored: Text, never markup.
            table.add_row(event.at.strftime("%m-%d %H:%M:%S"), plain(event.actor_name or "—"), plain(what),
                          plain(event.summary(width)), key=str(event.id))
        self.query_one("#audit-status", Static).update(
            _("{count} event(s), newest first.").format(count=len(rows)) if rows else _("No event matches."))

    def refused(self, error: BaseException) -> None:
        self.query_one(DataTable).clear()
        if isinstance(error, PermissionDenied):
            error = refusal("audit.read")  # says who may read the audit trail
        self.query_one("#audit-status", Static).update(plain(error_text(error)))

    @on(Input.Changed, "#audit-text")
    @on(Select.Changed)
    def filters_changed(self) -> None:
        self.reload()

    @on(Input.Submitted, "#audit-text")
    def text_submitted(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.RowSelected)
    def row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        event = next((e for e in self.rows if str(e.id) == key), None)
        if event:
            self.app.push_screen(AuditDetail(event))

    def action_filter(self) -> None:
        self.query_one("#audit-text", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#audit-text", Input).value = ""
        self.query_one("#audit-table", Select).clear()
        self.query_one("#audit-action", Select).clear()
        self.query_one(DataTable).focus()

    def palette_commands(self):
        return [(N_("Filter the audit trail"), self.action_filter, N_("Words, a name or a value")),
                (N_("Clear the audit filters"), self.action_clear_filter, "")]


class AuditDetail(DutyModal):
    BINDINGS = [Binding("escape", "dismiss", "Close", id="audit-detail-close")]

    def __init__(self, event: Event):
        super().__init__()
        self.event = event

    def compose(self) -> ComposeResult:
        e = self.event
        table = Table(expand=True, show_edge=False, header_style="bold", padding=(0, 1))
        table.add_column(_("Field"), no_wrap=True)
        table.add_column(_("Before"), ratio=1)
        table.add_column(_("After"), ratio=1)
        before, after = e.before or {}, e.after or {}
        for key in dict.fromkeys([*before, *after]):
            b, a = before.get(key), after.get(key)
            style = "bold" if b != a else "dim"
            table.add_row(plain(key), plain("" if b is None else b), plain("" if a is None else a), style=style)
        with VerticalScroll(id="audit-detail"):
            yield Static(plain(_("{who} {action} {table} #{row} at {at}").format(
                who=e.actor_name or "—", action=_(ACTION_NAMES.get(e.action, e.action)), table=e.table_name,
                row=e.row_id, at=e.at.strftime("%Y-%m-%d %H:%M:%S"))), classes="dialog-title")
            yield Static(table)
            yield Static(_("Press Escape to close."), classes="hint")
