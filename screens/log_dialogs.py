"""Small forms of the log screen: amend, follow-up, close, filter, go to date, handover note,
and a rule's fact recorded about a person.

One ``FormDialog`` serves them all: a title, a few labelled lines and an action that runs
in a thread worker. A ``DutyError`` naming a field shows under that field; what was typed
stays, and nothing is saved until the action succeeds.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Input, Label, Static

from duty_desk.models.errors import DutyError
from duty_desk.tui.base import DutyModal
from duty_desk.tui.i18n import _, error_text
from duty_desk.tui.text import plain


class FormDialog(DutyModal):
    """``fields``: (name, label msgid, initial value); ``action(values)`` → the answer."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="form-cancel")]

    def __init__(self, title: str, fields: list[tuple[str, str, str]], action: Callable[[dict], Any],
                 hint: str = ""):
        super().__init__()
        self.title_msgid = title
        self.fields = fields
        self.action = action
        self.hint = hint
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="log-form"):
            yield Static(_(self.title_msgid), classes="dialog-title")
            for name, label, initial in self.fields:
                yield Label(_(label))
                yield Input(value=initial, id=f"form-{name}", select_on_focus=False)
                yield Label("", id=f"form-{name}-error", classes="error")
            yield Label("", id="form-error", classes="error")
            if self.hint:
                yield Static(_(self.hint), classes="hint")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#form-{name}", Input).value for name, _l, _i in self.fields}

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        position = inputs.index(event.input)
        if position < len(inputs) - 1:
            inputs[position + 1].focus()
            return
        self.submit()

    def submit(self) -> None:
        if self.busy:
            return
        self.busy = True
        for label in self.query(".error"):
            label.update("")
            label.remove_class("-shown")
        self.fetch(self.action, self.values(), then=self._done, on_error=self._failed)

    def _done(self, answer) -> None:
        self.busy = False
        self.dismiss(answer)

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        field = getattr(error, "field", None) if isinstance(error, DutyError) else None
        names = [name for name, _l, _i in self.fields]
        target = f"#form-{field}-error" if field in names else "#form-error"
        label = self.query_one(target, Label)
        label.update(plain(error_text(error)))
        label.add_class("-shown")
        if field in names:
            self.query_one(f"#form-{field}", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


class IncidentDialog(DutyModal):
    """Record a rule's fact about a person (a lead or supervisor): the person, one of their
    position's rules by number, the grade, measured value or days the rule asks for, and a
    line of what happened. Enter moves on; Enter on the last line records."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="incident-cancel")]
    FIELDS = ("person", "rule", "amount", "text", "at")

    def __init__(self, name: str = ""):
        super().__init__()
        self.initial_name = name
        self.subject = None  # models.appraisal.rules.Subject once the name is found
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="log-form", id="incident-form"):
            yield Static(_("Record about a person"), classes="dialog-title")
            yield Label(_("Person (a name)"))
            yield Input(value=self.initial_name, id="form-person", select_on_focus=False)
            yield Label("", id="form-person-error", classes="error")
            with VerticalScroll(id="incident-rules-box"):
                yield Static("", id="incident-rules")
            yield Label(_("Rule (its number)"))
            yield Input(id="form-rule", select_on_focus=False)
            yield Label("", id="form-rule-error", classes="error")
            yield Label(_("Grade, measured value or days late, as the rule asks"), id="incident-amount-label")
            yield Input(id="form-amount", select_on_focus=False)
            yield Label("", id="form-amount-error", classes="error")
            yield Label(_("What happened"))
            yield Input(id="form-text", select_on_focus=False)
            yield Label("", id="form-text-error", classes="error")
            yield Label(_("When (empty: now; 14:05 or 11-19 14:05)"))
            yield Input(id="form-at", select_on_focus=False)
            yield Label("", id="form-at-error", classes="error")
            yield Label("", id="form-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#form-person", Input).focus()
        self.rule_typed()

    def _show(self, field: str, message: str) -> None:
        label = self.query_one(f"#form-{field}-error" if field in self.FIELDS else "#form-error", Label)
        label.update(plain(message))
        label.set_class(bool(message), "-shown")

    def _clear(self) -> None:
        for label in self.query(".error"):
            label.update("")
            label.remove_class("-shown")

    def _rule(self):
        text = self.query_one("#form-rule", Input).value.strip()
        if self.subject is None or not text.isdigit() or not 1 <= int(text) <= len(self.subject.rules):
            return None
        return self.subject.rules[int(text) - 1]

    def _rules_text(self) -> Text:
        """The person's rules, one line each: its number, its words cut to the room left by
        its points (CJK characters are two cells wide), the grades or target it asks for."""
        out = Text()
        if self.subject is None:
            return out
        out.append(plain(f"{self.subject.name} · {self.subject.position}\n", style="bold"))
        room = max(self.query_one("#incident-rules").size.width, 40) - 1
        for n, r in enumerate(self.subject.rules, 1):
            sign = "+" if r.kind == "bonus" else "−"
            tail = f"  {sign}{r.points:g}/{r.unit}"
            if r.basis == "graded":
                tail += " " + _("grades") + " " + "/".join(f"{g:g}" for g in r.grades)
            elif r.basis == "measured":
                target = "—" if r.target is None else f"{r.target:g}"
                tail += " " + _("target {target} (local choice)").format(target=target)
            if r.fine:
                tail += " " + _("fine ¥{fine}").format(fine=f"{r.fine:g}")
            words = plain(r.fact)
            words.truncate(max(room - 3 - cell_len(tail), 8), overflow="ellipsis")
            out.append(f"{n:>2} ", style="bold")
            out.append(words)
            out.append(tail + "\n", style="dim")
        return out

    def _asks(self, rule) -> str:
        if rule is None:
            return _("Grade, measured value or days late, as the rule asks")
        if rule.basis == "graded":
            return _("Grade: one of {grades}").format(grades=", ".join(f"{g:g}" for g in rule.grades))
        if rule.basis == "measured":
            return _("Measured value (the target is {target})").format(
                target="—" if rule.target is None else f"{rule.target:g}")
        if rule.basis == "late":
            return _("Days late")
        return _("Nothing to add for this rule: Enter moves on")

    @on(Input.Changed, "#form-rule")
    def rule_typed(self) -> None:
        rule = self._rule()
        asks = rule is not None and rule.basis in ("graded", "measured", "late")
        self.query_one("#incident-amount-label", Label).update(self._asks(rule))
        for widget in (self.query_one("#incident-amount-label"), self.query_one("#form-amount")):
            widget.display = asks  # only a rule that asks for a figure shows its line

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if self.busy:
            return
        field = (event.input.id or "").removeprefix("form-")
        if field == "person":
            self._find_person()
        elif field == "rule":
            rule = self._rule()
            if rule is None:
                self._show("rule", _("Type the number of one of the rules listed above.") if self.subject
                           else _("Type the person's name first."))
                return
            self._show("rule", "")
            nxt = "#form-amount" if rule.basis in ("graded", "measured", "late") else "#form-text"
            self.query_one(nxt, Input).focus()
        elif field == "amount":
            self.query_one("#form-text", Input).focus()
        else:  # the text or the moment: record (the moment is seldom typed)
            self.submit()

    def _find_person(self) -> None:
        from duty_desk.models.appraisal import rules

        def found(subject) -> None:
            self.busy = False
            self.subject = subject
            self.query_one("#form-person", Input).value = subject.name
            self.query_one("#incident-rules", Static).update(self._rules_text())
            self.query_one("#form-rule", Input).focus()
            self.rule_typed()

        def failed(error: BaseException) -> None:
            self.busy = False
            self.subject = None
            self.query_one("#incident-rules", Static).update("")
            self._show(getattr(error, "field", None) or "person", error_text(error))

        self._clear()
        self.busy = True
        self.fetch(rules.subject, self.query_one("#form-person", Input).value, then=found, on_error=failed)

    def submit(self) -> None:
        from duty_desk.models.appraisal import rules

        if self.subject is None:
            self._find_person()
            return
        rule = self._rule()
        if rule is None:
            self._show("rule", _("Type the number of one of the rules listed above."))
            self.query_one("#form-rule", Input).focus()
            return
        amount = self.query_one("#form-amount", Input).value
        text = self.query_one("#form-text", Input).value
        kwargs_at = self.query_one("#form-at", Input).value
        extra = {"graded": "grade", "measured": "value", "late": "days"}.get(rule.basis)
        kwargs = {extra: amount} if extra else {}
        kwargs["at"] = kwargs_at
        self._clear()
        self.busy = True
        self.fetch(partial(rules.record_about, **kwargs), self.subject.person_id, rule.id, text,
                   then=self._done, on_error=self._failed)

    def _done(self, answer) -> None:
        self.busy = False
        self.dismiss(answer)

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        field = getattr(error, "field", None) if isinstance(error, DutyError) else None
        field = {"grade": "amount", "value": "amount", "days": "amount"}.get(field, field)
        self._show(field or "", error_text(error))
        if field in self.FIELDS:
            self.query_one(f"#form-{field}", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
