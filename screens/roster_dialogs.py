"""Dialogs of the roster: the person picker, forms (shift, rotation, swap, leave, export),
the swap list, fairness and "on duty now" (ctrl+o from every screen).

A form keeps what was typed when the model refuses it and shows the sentence under the
field it belongs to; nothing is saved until the whole form is accepted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from duty_desk.models.roster import checkin
from duty_desk.models.roster import fairness
from duty_desk.models.roster import duties as roster
from duty_desk.models.roster import export as roster_export
from duty_desk.models.roster import rotation
from duty_desk.models.roster import swaps
from duty_desk.models.errors import ValidationError
from duty_desk.tui.base import DutyModal
from duty_desk.tui.i18n import N_, _, error_text, pick
from duty_desk.tui.text import cell_pad, number, plain
from duty_desk.models import clock as desk_clock


def clock() -> dt.datetime:
    """Now, for "on duty now" (tests pin it)."""
    return desk_clock.now()  # the module under another name: this function shadows "clock"


def duty_label(d: roster.Duty) -> str:
    role = _("shift lead") if d.role == "lead" else _("duty officer")
    return f"{d.person_name} · {role} · {pick(d.shift_zh, d.shift_en)} {d.day:%m-%d} · {pick(d.post_zh, d.post_en)}"


# ── forms ──────────────────────────────────────────────────────────────────────────────

class FormModal(DutyModal):
    """Inputs with a message line under each; Escape cancels.

    Enter moves to the next field and saves on the last, as the log's forms do (a practised
    hand types a whole form with Enter between fields); ctrl+s saves from any field.

    ``FIELDS`` holds (name, label msgid, placeholder msgid); ``work(values)`` runs on a
    thread and may raise a ``DutyError`` whose ``field`` names the input to show it at.
    """

    TITLE = ""
    FIELDS: list[tuple[str, str, str]] = []
    ALIASES: dict[str, str] = {}  # a model's field name → this form's
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="roster-form-cancel"),
        Binding("ctrl+s", "submit", "Save", id="roster-form-save"),
    ]

    def __init__(self, values: dict[str, str] | None = None, subtitle: str = ""):
        super().__init__()
        self.values = values or {}
        self.subtitle = subtitle

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="roster-form"):
            yield Static(_(self.TITLE), classes="dialog-title")
            if self.subtitle:
                yield Static(plain(self.subtitle), classes="hint")  # post names, a duty's person
            for name, label, placeholder in self.FIELDS:
                with Horizontal(classes="form-row"):
                    yield Label(_(label), classes="form-label")
                    yield Input(self.values.get(name, ""), placeholder=_(placeholder) if placeholder else "",
                                id=f"field-{name}", select_on_focus=False)
                yield Label("", id=f"error-{name}", classes="error field-error")
            yield from self.extra()
            yield Label("", id="error-form", classes="error")
            yield Static(_("Enter: next field, on the last saves · ctrl+s saves · Escape cancels"), classes="hint")

    def extra(self) -> ComposeResult:
        return iter(())

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def value(self, name: str) -> str:
        return self.query_one(f"#field-{name}", Input).value

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        position = inputs.index(event.input) if event.input in inputs else len(inputs) - 1
        if position < len(inputs) - 1:
            inputs[position + 1].focus()
            return
        self.action_submit()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        for label in self.query(".error"):
            label.update("")
            label.remove_class("shown")
        values = {name: self.value(name) for name, _l, _p in self.FIELDS}
        self.fetch(self.work, values, then=self.done, on_error=self.failed)

    def work(self, values: dict[str, str]):
        raise NotImplementedError

    def done(self, result) -> None:
        self.dismiss(result)

    def failed(self, error: BaseException) -> None:
        field = getattr(error, "field", None)
        field = self.ALIASES.get(field, field)
        names = [name for name, _l, _p in self.FIELDS]
        if field in names:
            label = self.query_one(f"#error-{field}", Label)
            self.query_one(f"#field-{field}", Input).focus()
        else:
            label = self.query_one("#error-form", Label)
        label.update(plain(error_text(error)))
        label.add_class("shown")


def whole_number(text: str, field: str) -> int:
    try:
        value = int(text.strip() or "0")
    except ValueError:
        raise ValidationError(N_("Write a whole number, for example 2."), field=field) from None
    if value < 0:
        raise ValidationError(N_("A number of people cannot be negative."), field=field)
    return value


class ShiftDialog(FormModal):
    """A new shift template, with what the current post needs on it."""

    TITLE = N_("New shift")
    FIELDS = [
        ("name_zh", N_("Name (Chinese)"), N_("e.g. 早班")),
        ("name_en", N_("Name (English)"), N_("e.g. Early")),
        ("key", N_("Key"), N_("e.g. E (used in rotation patterns)")),
        ("start", N_("Starts at"), N_("HH:MM")),
        ("end", N_("Ends at"), N_("HH:MM (before the start: next day)")),
        ("leads", N_("Leads needed"), N_("0")),
        ("officers", N_("Officers needed"), N_("0")),
    ]

    def __init__(self, post: roster.PostRow):
        super().__init__({"leads": "0", "officers": "1"},
                         _("Post: {post}").format(post=pick(post.name_zh, post.name_en)))
        self.post = post

    def work(self, values):
        leads = whole_number(values["leads"], "leads")
        officers = whole_number(values["officers"], "officers")
        return roster.add_shift(values["key"], values["name_zh"], values["name_en"], values["start"], values["end"],
                                {self.post.id: (leads, officers)})


class PostDialog(FormModal):
    """A new post (a desk, a round, a line of business) that shifts are then added to.
    Only the Chinese name is needed: Enter on it saves, and the key is made from a name."""

    TITLE = N_("New post")
    FIELDS = [
        ("name_zh", N_("Name (Chinese)"), N_("e.g. 值班指挥台")),
        ("name_en", N_("Name (English)"), N_("e.g. Command desk (may be left empty)")),
        ("key", N_("Key"), N_("e.g. command (may be left empty)")),
    ]

    def work(self, values):
        key = values["key"].strip() or "-".join(values["name_en"].lower().split()) or values["name_zh"].strip()
        return roster.add_post(key, values["name_zh"], values["name_en"])


class LeaveDialog(FormModal):
    TITLE = N_("Leave or unavailability")
    FIELDS = [
        ("person", N_("Person"), N_("a name")),
        ("first", N_("First day"), N_("YYYY-MM-DD")),
        ("last", N_("Last day"), N_("YYYY-MM-DD")),
        ("note", N_("Note"), ""),
    ]

    def __init__(self, day: dt.date, person: str = ""):
        super().__init__({"person": person, "first": day.isoformat(), "last": day.isoformat()})

    def work(self, values):
        person_id = roster.find_person(values["person"])
        first = roster.parse_day(values["first"], "first")
        last = roster.parse_day(values["last"], "last")
        return roster.add_leave(person_id, first, last, "leave", values["note"])


class RotationDialog(FormModal):
    """Create a rotation over named people for the current post and fill a range of days."""

    TITLE = N_("Generate a rotation")
    FIELDS = [
        ("name", N_("Name"), N_("e.g. 巡查四班倒")),
        ("pattern", N_("Pattern"), N_("e.g. D,N,-,- or D*7,N*7 (- is a day off)")),
        ("members", N_("People"), N_("names in order, commas between")),
        ("first", N_("From"), N_("YYYY-MM-DD")),
        ("last", N_("To"), N_("YYYY-MM-DD")),
    ]

    def __init__(self, post: roster.PostRow, first: dt.date, shift_keys: list[str]):
        super().__init__({"pattern": "", "first": first.isoformat(),
                          "last": (first + dt.timedelta(days=27)).isoformat()},
                         _("Post: {post}; shifts: {keys}").format(post=pick(post.name_zh, post.name_en),
                                                                   keys=", ".join(shift_keys)))
        self.post = post

    def extra(self) -> ComposeResult:
        yield Checkbox(_("As shift leads"), id="rotation-leads")
        yield Checkbox(_("Replace the people's manual duties in the range too"), id="rotation-overwrite")

    def action_submit(self) -> None:
        self.as_leads = self.query_one("#rotation-leads", Checkbox).value
        self.overwrite = self.query_one("#rotation-overwrite", Checkbox).value
        super().action_submit()

    def work(self, values):
        names = [n for n in values["members"].replace("，", ",").replace("、", ",").split(",") if n.strip()]
        members = [roster.find_person(n, "members") for n in names]
        first = roster.parse_day(values["first"], "first")
        last = roster.parse_day(values["last"], "last")
        return rotation.plan(values["name"], values["pattern"], self.post.id, members, first, last,
                             role="lead" if self.as_leads else "officer", overwrite=self.overwrite)


class SwapDialog(FormModal):
    TITLE = N_("Ask for a swap")
    FIELDS = [
        ("colleague", N_("Colleague"), N_("who takes the duty: a name")),
        ("reason", N_("Reason"), ""),
    ]

    EXCHANGE_DAYS = 14  # the colleague's duties offered in exchange: this many days either side

    def __init__(self, duty: roster.Duty):
        super().__init__({}, duty_label(duty))
        self.duty = duty
        self.colleague_id: int | None = None
        self.reason = ""

    def work(self, values):
        """Find the colleague; their coming duties near mine are offered next, to take in exchange."""
        colleague = roster.find_person(values["colleague"], "colleague")
        if colleague == self.duty.person_id:
            raise ValidationError(N_("A swap needs a colleague, not yourself."), field="colleague")
        span = dt.timedelta(days=self.EXCHANGE_DAYS)
        now = desk_clock.now()
        theirs = [d for d in roster.duties_between(self.duty.day - span, self.duty.day + span, person_id=colleague)
                  if d.starts_at > now]
        if not theirs:
            return swaps.request_swap(self.duty.assignment_id, colleague, reason=values["reason"])
        return colleague, values["reason"], theirs

    def done(self, result) -> None:
        if not isinstance(result, tuple):
            self.dismiss(result)
            return
        self.colleague_id, self.reason, theirs = result
        name = theirs[0].person_name
        self.app.push_screen(
            ChooseDuty(_("Take one of {name}'s duties in exchange?").format(name=name), theirs,
                       none_label=_("No exchange: {name} takes mine").format(name=name)),
            self.exchange_chosen)

    def exchange_chosen(self, theirs) -> None:
        if theirs is None:  # Escape: back to the form, nothing asked yet
            self.query_one("#field-colleague", Input).focus()
            return
        exchange = None if theirs == ChooseDuty.NONE else theirs.assignment_id
        self.fetch(swaps.request_swap, self.duty.assignment_id, self.colleague_id, exchange, self.reason,
                   then=self.dismiss, on_error=self.failed)


class ExportDialog(FormModal):
    TITLE = N_("Export duties")
    FIELDS = [
        ("format", N_("Format"), N_("csv, or ics: a calendar a phone imports")),
        ("person", N_("Person"), N_("empty: everyone")),
        ("first", N_("From"), N_("YYYY-MM-DD")),
        ("last", N_("To"), N_("YYYY-MM-DD")),
        ("path", N_("File"), ""),
    ]
    ALIASES = {"to": "last"}

    def __init__(self, first: dt.date, last: dt.date, person: str = ""):
        super().__init__({"format": "ics", "person": person, "first": first.isoformat(), "last": last.isoformat(),
                          "path": str(Path.cwd() / "roster.ics")})

    def work(self, values):
        fmt = values["format"].strip().lower().lstrip(".")
        if fmt not in roster_export.FORMATS:
            raise ValidationError(N_("Choose csv or ics."), field="format")
        person_id = roster.find_person(values["person"]) if values["person"].strip() else None
        first = roster.parse_day(values["first"], "first")
        last = roster.parse_day(values["last"], "last")
        rows = roster_export.duties(first, last, person_id)
        text = roster_export.to_csv(rows, _) if fmt == "csv" else roster_export.to_ics(rows, _, _("Duty roster"))
        path = Path(values["path"].strip() or f"roster.{fmt}").expanduser()
        try:
            path.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")
        except OSError as exc:
            raise ValidationError(N_("Cannot write {path}: {reason}"), field="path", path=str(path),
                                  reason=exc.strerror or str(exc)) from None
        return len(rows), str(path)


# ── choosers ───────────────────────────────────────────────────────────────────────────

class PersonPicker(DutyModal):
    """Type to search the staff; Enter picks the highlighted person."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="roster-picker-cancel")]

    def __init__(self, title: str):
        super().__init__()
        self.title_text = title
        self.people: list[roster.PersonRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="roster-picker"):
            yield Static(plain(self.title_text), classes="dialog-title")
            yield Input(placeholder=_("Type part of a name or position…"), id="picker-search")
            yield OptionList(id="picker-list")
            yield Static(_("Enter picks · Escape cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.fetch(roster.people, then=self.show_people)

    def show_people(self, people) -> None:
        self.people = people
        self.refill()

    def refill(self) -> None:
        text = self.query_one(Input).value
        olist = self.query_one(OptionList)
        olist.clear_options()
        roles = {"officer": _("duty officer"), "lead": _("shift lead"), "supervisor": _("supervisor"),
                 "admin": _("administrator")}
        for p in self.people:
            if text and not p.matches(text):
                continue
            line = plain(cell_pad(p.name, 10))
            line.append(cell_pad(roles.get(p.role, p.role), 10), style="italic")
            line.append(plain(" " + pick(p.position_zh, p.position_en), style="dim"))
            olist.add_option(Option(line, id=str(p.id)))
        if olist.option_count:
            olist.highlighted = 0

    @on(Input.Changed, "#picker-search")
    def search_changed(self) -> None:
        self.refill()

    def on_key(self, event) -> None:
        olist = self.query_one(OptionList)
        if event.key in ("down", "up") and self.focused is self.query_one(Input) and olist.option_count:
            olist.action_cursor_down() if event.key == "down" else olist.action_cursor_up()
            event.stop()

    @on(Input.Submitted, "#picker-search")
    def search_submitted(self) -> None:
        olist = self.query_one(OptionList)
        if olist.highlighted is not None and olist.option_count:
            self.choose(olist.get_option_at_index(olist.highlighted).id)

    @on(OptionList.OptionSelected, "#picker-list")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option.id)

    def choose(self, option_id: str | None) -> None:
        if option_id is not None:
            person = next(p for p in self.people if str(p.id) == option_id)
            self.dismiss(person)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChooseDuty(DutyModal):
    """Pick one of the duties of a cell (or, given *none_label*, none of them: ``ChooseDuty.NONE``)."""

    NONE = "none"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="roster-choose-cancel")]

    def __init__(self, title: str, duties: list[roster.Duty], none_label: str = ""):
        super().__init__()
        self.title_text = title
        self.duties = duties
        self.none_label = none_label

    def compose(self) -> ComposeResult:
        options = [Option(plain(self.none_label), id=self.NONE)] if self.none_label else []
        options += [Option(plain(duty_label(d)), id=str(d.assignment_id)) for d in self.duties]
        with Vertical(classes="roster-picker"):
            yield Static(plain(self.title_text), classes="dialog-title")
            yield OptionList(*options, id="choose-list")
            yield Static(_("Enter picks · Escape cancels"), classes="hint")

    def on_mount(self) -> None:
        olist = self.query_one(OptionList)
        olist.focus()
        if olist.option_count:
            olist.highlighted = 0  # Enter picks the first at once

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == self.NONE:
            self.dismiss(self.NONE)
            return
        self.dismiss(next(d for d in self.duties if str(d.assignment_id) == event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SwapsDialog(DutyModal):
    """Open swap requests, then the history; the colleague accepts, a shift lead approves."""

    BINDINGS = [
        Binding("a", "accept", "Accept", id="roster-swap-accept"),
        Binding("p", "approve", "Approve", id="roster-swap-approve"),
        Binding("d", "decline", "Decline or withdraw", id="roster-swap-decline"),
        Binding("escape", "close", "Close", id="roster-swap-close"),
    ]

    def __init__(self):
        super().__init__()
        self.rows: list[swaps.SwapRow] = []
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="roster-picker roster-wide"):
            yield Static(_("Swaps"), classes="dialog-title")
            yield OptionList(id="swap-list")
            yield Static(_("a accept · p approve · d decline or withdraw · Escape closes"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    def load(self) -> None:
        self.fetch(swaps.swaps, then=self.show)

    def show(self, rows) -> None:
        self.rows = sorted(rows, key=lambda r: not r.is_open)
        olist = self.query_one(OptionList)
        keep = olist.highlighted
        olist.clear_options()
        for r in self.rows:
            line = Text()
            line.append(cell_pad(_(swaps.STATUSES[r.status]), 12), style="bold" if r.is_open else "dim")
            line.append(plain(f" {r.day:%m-%d} {pick(r.shift_zh, r.shift_en)} {pick(r.post_zh, r.post_en)}: "))
            line.append(plain(_("{requester} → {colleague}").format(requester=r.requester, colleague=r.colleague)))
            times = [_("asked {at}").format(at=f"{r.requested_at:%m-%d %H:%M}")]
            if r.accepted_at:
                times.append(_("accepted {at}").format(at=f"{r.accepted_at:%m-%d %H:%M}"))
            if r.decided_at:
                times.append(_("{who} {at}").format(who=r.decided_by or "", at=f"{r.decided_at:%m-%d %H:%M}"))
            line.append(plain("\n  " + " · ".join(times), style="dim"))
            if r.reason:
                line.append(plain(f"  «{r.reason}»", style="dim italic"))
            olist.add_option(Option(line, id=str(r.id)))
        if not self.rows:
            olist.add_option(Option(_("No swap requests."), disabled=True))
        elif olist.option_count:
            olist.highlighted = min(keep or 0, olist.option_count - 1)

    def current(self) -> swaps.SwapRow | None:
        olist = self.query_one(OptionList)
        if olist.highlighted is None or not self.rows:
            return None
        return self.rows[olist.highlighted]

    def _act(self, fn, done_msgid: str) -> None:
        row = self.current()
        if row is None:
            return

        def finished(_result):
            self.changed = True
            self.notify(_(done_msgid))
            self.load()

        self.fetch(fn, row.id, then=finished)

    def action_accept(self) -> None:
        self._act(swaps.accept_swap, "Swap accepted: a shift lead approves it next.")

    def action_approve(self) -> None:
        self._act(swaps.approve_swap, "Swap approved: the roster has changed.")

    def action_decline(self) -> None:
        self._act(swaps.decline_swap, "Swap closed.")

    def action_close(self) -> None:
        self.dismiss(self.changed)


# ── views ──────────────────────────────────────────────────────────────────────────────

class OnDutyDialog(DutyModal):
    """Who is on duty now: the shift lead first, then the officers by post."""

    BINDINGS = [Binding("escape", "dismiss", "Close", id="roster-on-duty-close"),
                Binding("ctrl+o", "dismiss", "Close", show=False)]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="roster-picker roster-wide", id="on-duty"):
            yield Static(_("On duty now"), classes="dialog-title")
            yield Static(_("Loading…"), id="on-duty-body")
            yield Static(_("Press Escape to close."), classes="hint")

    def on_mount(self) -> None:
        self.fetch(self.gather, then=self.show)

    @staticmethod
    def gather():
        now = clock()
        duties = roster.on_duty(now)
        return now, duties, checkin.attendance([d.assignment_id for d in duties])

    def show(self, result) -> None:
        now, duties, seen = result
        body = self.query_one("#on-duty-body", Static)
        if not duties:
            body.update(Text(_("Nobody is on duty at {time}: the roster has a gap.").format(time=f"{now:%H:%M}"),
                             style="bold"))
            return
        table = Table(box=None, expand=True, padding=(0, 1), show_header=True, header_style="bold")
        table.add_column(_("Role"), no_wrap=True)
        table.add_column(_("Name"), no_wrap=True, min_width=8)
        table.add_column(_("Post"), no_wrap=True, ratio=1)
        table.add_column(_("Shift"), no_wrap=True, min_width=17)
        table.add_column(_("Checked in"), no_wrap=True, min_width=5)
        for d in duties:
            came = seen.get(d.assignment_id)
            # A Rich table reads a str cell as markup: names and posts go in as Text.
            table.add_row(Text(_("shift lead"), style="bold") if d.role == "lead" else _("duty officer"),
                          plain(d.person_name), plain(pick(d.post_zh, d.post_en)),
                          plain(f"{pick(d.shift_zh, d.shift_en)} {d.starts_at:%H:%M}–{d.ends_at:%H:%M}"),
                          f"{came.checked_in_at:%H:%M}" if came and came.checked_in_at else "—")
        if not any(d.role == "lead" for d in duties):
            table.add_row(Text(_("No shift lead on duty now."), style="bold"), "", "", "", "")
        body.update(table)


class FairnessDialog(DutyModal):
    """Nights, weekends and holidays per person over four weeks from the shown week."""

    BINDINGS = [Binding("escape", "dismiss", "Close", id="roster-fairness-close")]

    def __init__(self, first: dt.date, last: dt.date):
        super().__init__()
        self.first, self.last = first, last

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="roster-picker roster-wide", id="fairness"):
            yield Static(_("Fairness {first} – {last}").format(first=self.first.isoformat(),
                                                              last=self.last.isoformat()),
                         classes="dialog-title")
            yield Static(_("Loading…"), id="fairness-body")
            yield Static(_("Press Escape to close."), classes="hint")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
        self.fetch(fairness.fairness, self.first, self.last, then=self.show)

    def show(self, rows) -> None:
        table = Table(box=None, expand=True, padding=(0, 1), header_style="bold")
        table.add_column(_("Name"), no_wrap=True)
        for title in (_("Duties"), _("Hours"), _("Nights"), _("Night h"), _("Weekend"), _("Holiday")):
            table.add_column(title, justify="right", no_wrap=True)
        for r in rows:
            table.add_row(plain(r.name), str(r.duties), number(round(r.hours, 1)), str(r.night_duties),
                          number(round(r.night_hours, 1)), str(r.weekend_duties), str(r.holiday_duties))
        self.query_one("#fairness-body", Static).update(table if rows else _("No duties in this range."))
