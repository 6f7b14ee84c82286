"""Sign-in: type part of your name, pick it, enter your PIN. The first run makes an admin.

The screen is the base of the app's "account" mode, so it is shown (and reset) at start,
when the user is switched and after a lock is handed over.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from duty_desk.models.accounts import credentials as accounts
from duty_desk.models.accounts.credentials import StaffRow
from duty_desk.models.accounts.session import ROLE_NAMES
from duty_desk.tui.footer import DeskFooter
from duty_desk.tui.base import DutyScreen
from duty_desk.tui.i18n import _, error_text, pick
from duty_desk.tui.text import cell_pad, plain


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

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="signin-body"):
            yield Static(_("Sign in"), id="signin-title", classes="dialog-title")
            yield Static("", id="signin-hint", classes="hint")
            yield Label(_("Name"), id="signin-name-label")
            yield Input(placeholder=_("Type part of your name…"), id="signin-name", select_on_focus=False,
                        compact=True)
            yield Label("", id="signin-name-error", classes="error")
            yield OptionList(id="signin-people")
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

    # The list shows the first matches only: a person types part of a name, and a thousand
    # options would cost a keystroke a tenth of a second to lay out.
    LIST_LIMIT = 40

    def refill(self) -> None:
        text = self.query_one("#signin-name", Input).value
        olist = self.query_one("#signin-people", OptionList)
        width = max(30, self.size.width - 8)
        matching = [row for row in self.people if not text or row.matches(text)]
        options = []
        for row in matching[:self.LIST_LIMIT]:
            line = plain(cell_pad(row.name, 16))
            line.append(cell_pad(_(ROLE_NAMES.get(row.role, row.role)), 16), style="dim")
            line.append(plain(cell_pad(pick(row.position_zh, row.position_en), max(8, width - 32)), style="italic"))
            options.append(Option(line, id=str(row.id)))
        if len(matching) > self.LIST_LIMIT:
            more = _("… and {count} more: type more of the name.").format(count=len(matching) - self.LIST_LIMIT)
            options.append(Option(plain(more, style="italic"), disabled=True))
        if not matching:
            options.append(Option(plain(_("Nobody matches “{text}”.").format(text=text), style="italic"),
                                  disabled=True))
        olist.clear_options()
        olist.add_options(options)  # one layout for the whole list, not one per name
        if matching:
            olist.highlighted = 0

    @on(Input.Changed, "#signin-name")
    def name_changed(self) -> None:
        if not self.first_run:
            self.chosen = None
            self.refill()

    def on_key(self, event) -> None:
        name = self.query_one("#signin-name", Input)
        olist = self.query_one("#signin-people", OptionList)
        if self.focused is name and not self.first_run and event.key in ("down", "up"):
            if olist.option_count:
                current = olist.highlighted or 0
                step = 1 if event.key == "down" else -1
                olist.highlighted = max(0, min(olist.option_count - 1, current + step))
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
        olist = self.query_one("#signin-people", OptionList)
        if olist.highlighted is None or olist.get_option_at_index(olist.highlighted).disabled:
            self._error(_("Choose your name from the list."), field="name")
            return
        self._choose(int(olist.get_option_at_index(olist.highlighted).id))

    @on(OptionList.OptionSelected, "#signin-people")
    def person_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(int(event.option.id))

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
