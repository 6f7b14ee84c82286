"""Staff (F6): everyone who works the desk, their role, position and PIN state.

Anyone may read the list; adding, editing and setting PINs is an administrator's, and the
refusal comes from models/ (``require("staff.edit")``), shown at the form.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Checkbox, DataTable, Header, Input, Label, Select, Static

from duty_desk.models.accounts import credentials as accounts
from duty_desk.models.accounts.credentials import StaffRow
from duty_desk.models.accounts.session import ROLE_NAMES, ROLES, current_actor
from duty_desk.tui.footer import DeskFooter
from duty_desk.tui.base import DutyModal, DutyScreen
from duty_desk.tui.i18n import N_, _, error_text, pick
from duty_desk.tui.text import plain


class StaffScreen(DutyScreen):
    TITLE_MSGID = "Staff"
    BINDINGS = [
        Binding("a", "add", "Add person", id="staff-add"),
        Binding("e", "edit", "Edit", id="staff-edit"),
        Binding("slash", "filter", "Filter", id="staff-filter"),
        Binding("escape", "clear_filter", "Clear filter", id="staff-clear", show=False),
    ]
    ROLE_ACTIONS = {"add": "staff.edit", "edit": "staff.edit"}  # not offered to other roles

    def __init__(self):
        super().__init__()
        self.rows: list[StaffRow] = []
        self.positions: list[accounts.PositionChoice] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=_("Type to filter staff by name, role or position…"), id="staff-filter",
                    select_on_focus=False, compact=True)
        yield DataTable(id="staff-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="staff-hint", classes="hint")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Name"), _("Role"), _("Position"), _("PIN"))
        table.focus()
        self.reload()

    def reload(self) -> None:
        self.fetch(_load, then=self.show)

    def show(self, loaded) -> None:
        self.rows, self.positions = loaded
        self.refill()
        actor = current_actor()
        hint = "" if actor and actor.can("staff.edit") else _("Only an administrator changes staff.")
        self.query_one("#staff-hint", Static).update(hint)

    def refill(self) -> None:
        table = self.query_one(DataTable)
        keep = self._selected_id()
        text = self.query_one("#staff-filter", Input).value
        table.clear()
        for row in self.rows:
            if text and not row.matches(text):
                continue
            if not row.has_pin:
                pin = _("none")
            elif row.locked:
                pin = _("locked")
            else:
                pin = _("set") if not row.failures else _("{count} wrong").format(count=row.failures)
            name = row.name if row.active else _("{name} (left)").format(name=row.name)
            # DataTable reads a str cell as markup: every cell goes in as Text.
            table.add_row(plain(name), plain(_(ROLE_NAMES.get(row.role, row.role))),
                          plain(pick(row.position_zh, row.position_en)), plain(pin), key=str(row.id))
        if keep is not None:
            try:
                table.move_cursor(row=table.get_row_index(str(keep)))
            except Exception:  # the row is filtered out
                pass

    def _selected_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:
            return None
        return int(key.value) if key and key.value else None

    @on(Input.Changed, "#staff-filter")
    def filter_changed(self) -> None:
        self.refill()

    @on(Input.Submitted, "#staff-filter")
    def filter_submitted(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.RowSelected, "#staff-table")
    def row_selected(self) -> None:
        self.action_edit()

    def action_filter(self) -> None:
        self.query_one("#staff-filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#staff-filter", Input).value = ""
        self.query_one(DataTable).focus()

    def action_add(self) -> None:
        self.app.push_screen(PersonForm(None, self.positions), self._saved)

    def action_edit(self) -> None:
        person_id = self._selected_id()
        row = next((r for r in self.rows if r.id == person_id), None)
        if row is not None:
            self.app.push_screen(PersonForm(row, self.positions), self._saved)

    def _saved(self, person_id) -> None:
        if person_id:
            self.notify(_("Saved."))
            self.reload()

    def palette_commands(self):
        return [(N_("Add person"), self.action_add, N_("Name, role, position and PIN")),
                (N_("Edit the highlighted person"), self.action_edit, N_("Role, position, PIN, or mark as left")),
                (N_("Filter staff"), self.action_filter, "")]


def _load():
    return accounts.staff_list(), accounts.position_choices()


class PersonForm(DutyModal):
    """Add or edit one person. Enter in any field saves; Escape leaves without saving."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="person-cancel")]

    def __init__(self, row: StaffRow | None, positions):
        super().__init__()
        self.row = row
        self.positions = positions

    def compose(self) -> ComposeResult:
        row = self.row
        with VerticalScroll(id="person-form"):
            yield Static(plain(_("Edit {name}").format(name=row.name) if row else _("Add person")),
                         classes="dialog-title")
            yield Label(_("Name"))
            yield Input(row.name if row else "", id="person-name", compact=True)
            yield Label("", id="error-name", classes="error")
            yield Label(_("Role"))
            yield Select([(_(ROLE_NAMES[r]), r) for r in ROLES], value=row.role if row else "officer",
                         allow_blank=False, id="person-role", compact=True)
            yield Label("", id="error-role", classes="error")
            yield Label(_("Position"))
            yield Select([(plain(f"{p.title_zh} {p.title_en}".strip()), p.id) for p in self.positions],
                         value=row.position_id if row and row.position_id else Select.NULL,
                         prompt=_("(none)"), id="person-position", type_to_search=True,
                         compact=True)
            yield Label("", id="error-position", classes="error")
            yield Label(_("New PIN (empty keeps the current one)") if row else _("PIN (4 to 12 digits)"))
            yield Input("", password=True, id="person-pin", compact=True)
            yield Label("", id="error-pin", classes="error")
            if row:
                yield Checkbox(_("Works here (untick when the person leaves)"), row.active, id="person-active",
                           compact=True)
            yield Label("", id="error-form", classes="error")
            yield Static(_("Enter saves, Escape cancels."), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#person-name", Input).focus()

    @on(Input.Submitted)
    def save(self) -> None:
        name = self.query_one("#person-name", Input).value
        role = self.query_one("#person-role", Select).value
        position = self.query_one("#person-position", Select).value
        position = None if position in (Select.NULL, Select.BLANK, None) else position
        pin = self.query_one("#person-pin", Input).value
        active = self.query_one("#person-active", Checkbox).value if self.row else True
        for label in self.query(".error"):
            label.update("")
        self.fetch(accounts.save_person, self.row.id if self.row else None, name, role, position, active, pin,
                   then=self.dismiss, on_error=self.refused)

    def refused(self, error: BaseException) -> None:
        """The message at its field; what was typed stays."""
        field = getattr(error, "field", None)
        target = {"name": "#error-name", "role": "#error-role", "position": "#error-position",
                  "pin": "#error-pin"}.get(field, "#error-form")
        self.query_one(target, Label).update(plain(error_text(error)))

    def action_cancel(self) -> None:
        self.dismiss(None)
