"""Sign-in: type part of your name, pick it, enter your PIN. The first run makes an admin.

The screen is the base of the app's "account" mode, so it is shown (and reset) at start,
when the user is switched and after a lock is handed over.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, Input, Label, Static

from duty_desk.models.accounts import credentials as accounts
from duty_desk.models.accounts.credentials import StaffRow
from duty_desk.models.accounts.session import ROLE_NAMES
from duty_desk.tui.footer import DeskFooter
from duty_desk.tui.base import DutyScreen
from duty_desk.tui.i18n import _, error_text, pick
from duty_desk.tui.linetable import Column, LineTable, Row
from duty_desk.tui.text import plain


class PeopleList(LineTable):
    """The names to choose from. Only the lines on screen are drawn, so a key typed in the
    name field costs the same for ten staff or four thousand (an OptionList measured every
    option it held on every key)."""

    BINDINGS = [Binding("enter", "select", "Open", show=False, id="linetable-open")]

    def on_click(self, event) -> None:  # one click chooses, as in a list of options
        offset = event.get_content_offset(self)
        if offset is not None:
            index = int(self.scroll_offset.y) + offset.y
            if 0 <= index < len(self.rows):
                self.move_cursor(index)
                self.action_select()


class SignInScreen(DutyScreen):
    TITLE_MSGID = "Sign in"
    BINDINGS = [
        Binding("escape", "back", "Back", id="signin-back"),
    ]

    def __init__(self):
        super().__init__()
        self.people: list[StaffRow] = []
        self.chosen: StaffRow | None = None
        self.first_run = False
        self.busy = False
        self._rows: list[Row] = []  # one per person, made once per load: a key only picks among them
        self._found: dict[str, list[int]] = {}  # text typed → indexes of the people it matches
        self._last = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="signin-body"):
            yield Static(_("Sign in"), id="signin-title", classes="dialog-title")
            yield Static("", id="signin-hint", classes="hint")
            yield Label(_("Name"), id="signin-name-label")
            yield Input(placeholder=_("Type part of your name…"), id="signin-name", select_on_focus=False,
                        compact=True)
            yield Label("", id="signin-name-error", classes="error")
            yield PeopleList([Column("name", "", 16), Column("role", "", 16), Column("position", "", 8, flex=True)],
                             show_header=False, id="signin-people")
            yield Label(_("PIN"), id="signin-pin-label")
            yield Input(placeholder=_("Your PIN, then Enter"), password=True, id="signin-pin", compact=True)
            yield Label(_("PIN again"), id="signin-repeat-label")
            yield Input(placeholder=_("The same PIN again"), password=True, id="signin-repeat", compact=True)
            yield Label("", id="signin-pin-error", classes="error")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.reset()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reset()

    def reset(self) -> None:
        """Empty fields and a fresh list: nothing of the last person stays."""
        self.chosen = None
        for widget_id in ("#signin-name", "#signin-pin", "#signin-repeat"):
            self.query_one(widget_id, Input).value = ""
        self._error("")
        self.fetch(_load_state, then=self._show_state)

    def reload(self) -> None:
        self.fetch(_load_state, then=self._show_state)

    def _show_state(self, state) -> None:
        first_run, people, demo_pin = state
        self.first_run, self.people = first_run, people
        self._rows = [Row(row.id, (row.name, (_(ROLE_NAMES.get(row.role, row.role)), "dim"),
                                   (pick(row.position_zh, row.position_en), "italic"))) for row in people]
        self._found, self._last = {}, ""
        title = self.query_one("#signin-title", Static)
        hint = self.query_one("#signin-hint", Static)
        for widget_id in ("#signin-repeat", "#signin-repeat-label"):
            self.query_one(widget_id).display = first_run
        self.query_one("#signin-people").display = not first_run
        if first_run:
            title.update(_("First run: who is the administrator?"))
            hint.update(_("Enter your name and choose a PIN of 4 to 12 digits. You can add the staff next."))
            self.query_one("#signin-name", Input).placeholder = _("Your name")
        else:
            title.update(_("Sign in"))
            text = _("Type part of your name, ↓ to choose, Enter; then your PIN and Enter.")
            if demo_pin:
                text += "\n" + _("Demo data as of {moment}: every PIN is {pin}; type “admin” to find the "
                                  "administrator.").format(pin=demo_pin, moment=self.app.demo_as_of)
            hint.update(text)
            self.refill()
        self.query_one("#signin-name", Input).focus()

    # -- the list of names -------------------------------------------------------------------

    def matching(self, text: str) -> list[int]:
        """Indexes of the people *text* matches. A key that extends the text only narrows the
        last matches, and text typed before (backspace) is looked up, not searched again."""
        key = text.lower()
        found = self._found.get(key)
        if found is None:
            last = self._found.get(self._last)
            pool = last if last is not None and key.startswith(self._last) else range(len(self.people))
            found = [i for i in pool if self.people[i].matches(text)]
            if len(self._found) > 64:
                self._found.clear()
            self._found[key] = found
        self._last = key
        return found

    def refill(self) -> None:
        text = self.query_one("#signin-name", Input).value
        table = self.query_one("#signin-people", PeopleList)
        rows = self._rows
        table.placeholder = _("Nobody matches “{text}”.").format(text=text)
        table.show_rows([rows[i] for i in self.matching(text)] if text.strip() else rows)

    @on(Input.Changed, "#signin-name")
    def name_changed(self) -> None:
        if not self.first_run:
            self.chosen = None
            self.refill()

    def on_key(self, event) -> None:
        name = self.query_one("#signin-name", Input)
        if self.focused is name and not self.first_run and event.key in ("down", "up"):
            table = self.query_one("#signin-people", PeopleList)
            table.move_cursor(table.cursor_row + (1 if event.key == "down" else -1))
            event.stop()

    @on(Input.Submitted, "#signin-name")
    def name_submitted(self) -> None:
        if self.first_run:
            self.query_one("#signin-pin", Input).focus()
            return
        if not self.query_one("#signin-name", Input).value.strip():
            # an empty name matches everybody: Enter must not pick whoever is listed first
            self._error(_("Type part of your name first."), field="name")
            return
        table = self.query_one("#signin-people", PeopleList)
        if table.cursor_key is None:
            self._error(_("Choose your name from the list."), field="name")
            return
        self._choose(table.cursor_key)

    @on(LineTable.RowSelected, "#signin-people")
    def person_selected(self, event: LineTable.RowSelected) -> None:
        self._choose(event.key)

    def _choose(self, person_id: int) -> None:
        self.chosen = next((p for p in self.people if p.id == person_id), None)
        if self.chosen is None:
            return
        name = self.query_one("#signin-name", Input)
        with name.prevent(Input.Changed):
            name.value = self.chosen.name
        self._error("")
        self.query_one("#signin-pin", Input).focus()

    # -- the PIN ------------------------------------------------------------------------------

    @on(Input.Submitted, "#signin-pin")
    def pin_submitted(self) -> None:
        if self.first_run:
            self.query_one("#signin-repeat", Input).focus()
            return
        if self.chosen is None:
            self._error(_("Choose your name from the list first."), field="name")
            self.query_one("#signin-name", Input).focus()
            return
        if self.busy:
            return
        pin = self.query_one("#signin-pin", Input).value
        refusal = pin_refusal(pin)
        if refusal:  # not a PIN at all: said at once, and no wrong try is counted against anybody
            self._error(refusal)
            return
        self.busy = True
        self.fetch(accounts.sign_in_with_pin, self.chosen.id, pin, then=self._accepted, on_error=self._refused)

    @on(Input.Submitted, "#signin-repeat")
    def repeat_submitted(self) -> None:
        if self.busy:
            return
        name = self.query_one("#signin-name", Input).value
        pin = self.query_one("#signin-pin", Input).value
        repeat = self.query_one("#signin-repeat", Input).value
        self.busy = True
        self.fetch(accounts.create_first_admin, name, pin, repeat, then=self._accepted, on_error=self._refused)

    def _accepted(self, actor) -> None:
        self.busy = False
        self.run_worker(self.app.signed_in(actor), group="signin", exclusive=True)

    def _refused(self, error: BaseException) -> None:
        self.busy = False
        field = getattr(error, "field", None) or "pin"
        self._error(error_text(error), field=field)
        if field == "pin":
            # a refused PIN is typed again from the start: both fields of the first run
            for widget_id in ("#signin-pin", "#signin-repeat"):
                self.query_one(widget_id, Input).value = ""
            self.query_one("#signin-pin", Input).focus()
        elif field == "repeat":  # the two differ: only the repeat is typed again
            repeat = self.query_one("#signin-repeat", Input)
            repeat.value = ""
            repeat.focus()
        elif field == "name":
            self.query_one("#signin-name", Input).focus()

    def _error(self, text: str, field: str = "pin") -> None:
        name_error = self.query_one("#signin-name-error", Label)
        pin_error = self.query_one("#signin-pin-error", Label)
        name_error.update(plain(text if field == "name" else ""))  # may hold the name typed
        pin_error.update(plain(text if field != "name" else ""))

    def action_back(self) -> None:
        if self.chosen is not None:
            self.reset()
            return
        self.app.cancel_switch()

    def palette_commands(self):
        return []


def pin_refusal(pin: str) -> str:
    """Why *pin* cannot be anyone's PIN (empty, or not digits); "" when it may be tried."""
    if not pin:
        return _("Enter a PIN.")
    if not (pin.isascii() and pin.isdigit()):
        return _("A PIN is digits only (0–9).")
    return ""


def _load_state():
    return accounts.needs_first_admin(), accounts.sign_in_choices(), accounts.demo_pin()
