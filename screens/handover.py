"""Handover (交接班): read the shift's draft report, close the shift, countersign, export.

The outgoing shift lead presses C to close the shift with a note; the report is kept as
drafted. The incoming lead reads it and presses S to countersign. X exports the newest
report as Markdown (or text, by the file name) for printing.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Markdown, Static

from duty_desk.models.logbook import handover
from duty_desk.models.errors import N_, DutyError
from duty_desk.models.accounts.session import current_actor
from duty_desk.tui.footer import DeskFooter
from duty_desk.tui.base import DutyScreen
from duty_desk.tui.i18n import _, pick
from duty_desk.tui.text import plain

from duty_desk.screens.log_dialogs import FormDialog


class HandoverScreen(DutyScreen):
    TITLE_MSGID = "Handover"
    BINDINGS = [
        Binding("c", "close_shift", "Close shift", id="handover-close"),
        Binding("s", "countersign", "Countersign", id="handover-countersign"),
        Binding("x", "export", "Export", id="handover-export"),
        Binding("escape", "app.pop_screen", "Back", id="handover-back"),
    ]
    ROLE_ACTIONS = {"close_shift": "log.handover", "countersign": "log.handover"}
    # The report as a page of a handover book at 80×24: headings without the Markdown
    # widget's roomy margins, so the shift's entries are on the first screen.
    DEFAULT_CSS = """
    #handover-report { margin: 0; padding: 0; }
    #handover-report MarkdownH1 { margin: 0; padding: 0; content-align: left top; text-align: left; }
    #handover-report MarkdownH2 { margin: 1 0 0 0; padding: 0; }
    #handover-report MarkdownParagraph { margin: 0; }
    #handover-report MarkdownBulletList { margin: 0; padding: 0; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="handover-body"):
            yield Static("", id="handover-pending", markup=False)
            # Rendered, not raw "# …"/"**…**": report_markdown escapes the stored text in it,
            # so an entry's words never become headings, emphasis or links.
            yield Markdown("", id="handover-report", open_links=False)
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.sub_title = _("Handover")

    def reload(self) -> None:
        actor = current_actor()
        person = actor.id if actor else None

        def load():
            d = handover.draft(person_id=person)
            return handover.report_markdown(d, t=_, name=pick), handover.handovers(5)

        self.fetch(load, then=self._show)

    def _show(self, result) -> None:
        report, recent = result
        lines = Text()
        waiting = [h for h in recent if h.incoming is None]
        if waiting:
            for h in waiting:
                lines.append(plain(_("Handover {id} of {shift} by {name} waits for the incoming lead's "
                                     "countersignature (S).").format(id=h.id, shift=h.shift, name=h.outgoing) + "\n",
                                   style="bold"))
        elif recent:
            h = recent[0]
            lines.append(plain(_("Last handover: {shift}, {outgoing} → {incoming}.").format(
                shift=h.shift, outgoing=h.outgoing, incoming=h.incoming or "—") + "\n", style="italic"))
        lines.append(_("Draft for the current shift (C closes the shift with it):"), style="dim")
        self.query_one("#handover-pending", Static).update(lines)
        self.query_one("#handover-report", Markdown).update(report)

    def action_close_shift(self) -> None:
        actor = current_actor()
        person = actor.id if actor else None

        def close(values):
            d = handover.draft(person_id=person)
            report = handover.report_markdown(d, values["note"], t=_, name=pick)
            return handover.close_shift(values["note"], report=report)

        fields = [("note", N_("A note for the incoming shift"), "")]
        self.app.push_screen(FormDialog(N_("Close the shift"), fields, close,
                                        hint=N_("The report is kept as drafted; the incoming lead countersigns it.")),
                             self._shift_closed)

    def _shift_closed(self, handover_id) -> None:
        if handover_id:
            self.notify(_("Shift handed over (handover {id}).").format(id=handover_id))
            self.reload()

    def action_countersign(self) -> None:
        def sign():
            waiting = [h for h in handover.handovers(5) if h.incoming is None]
            if not waiting:
                raise DutyError(N_("No handover waits for a countersignature."))
            handover.countersign(waiting[0].id)
            return waiting[0].id

        self.fetch(sign, then=self._signed)

    def _signed(self, handover_id) -> None:
        self.notify(_("Handover {id} countersigned.").format(id=handover_id))
        self.reload()

    def action_export(self) -> None:
        def export(values):
            path = Path(values["path"].strip() or "handover.md").expanduser()
            fmt = "text" if path.suffix.lower() == ".txt" else "markdown"
            text = handover.export(None, fmt, t=_)
            try:
                path.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise DutyError(N_("Cannot write {path}: {reason}"), field="path", path=str(path),
                                reason=exc.strerror or str(exc)) from exc
            return str(path)

        self.app.push_screen(FormDialog(N_("Export the newest handover"),
                                        [("path", N_("File (.md for Markdown, .txt for text)"),
                                          str(Path.cwd() / "handover.md"))],
                                        export),
                             self._exported)

    def _exported(self, path) -> None:
        if path:
            self.notify(_("Written to {path}.").format(path=path))

    def palette_commands(self):
        return [
            (N_("Close shift"), self.action_close_shift, N_("Hand over with the drafted report")),
            (N_("Countersign"), self.action_countersign, N_("The incoming shift lead takes over")),
            (N_("Export"), self.action_export, N_("The newest report as Markdown or text")),
        ]
