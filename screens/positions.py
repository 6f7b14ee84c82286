"""Positions: every position by department; type to filter, Enter for its duties and rules.

A department whose documents give it duties of its own (部門職責) is a line of its own,
under its heading: Enter shows them."""

from __future__ import annotations

import re

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from duty_desk.models.organisation.positions import (
    DepartmentDetail, DepartmentRow, PositionDetail, PositionRow, department_detail,
                              list_departments, list_positions, position_detail)
from duty_desk.tui.footer import DeskFooter
from duty_desk.tui.base import DutyScreen
from duty_desk.tui.i18n import N_, _, ngettext, pick
from duty_desk.tui.text import cell_pad, number, plain

PERIOD_NAMES = {"month": N_("monthly"), "quarter": N_("quarterly"), "half": N_("half-yearly"), "year": N_("yearly")}


class PositionsScreen(DutyScreen):
    TITLE_MSGID = "Positions"
    BINDINGS = [
        Binding("enter", "open", "Open", id="positions-open", show=True),
        Binding("slash", "filter", "Filter", id="positions-filter"),
        Binding("escape", "clear_filter", "Clear filter", id="positions-clear", show=False),
    ]

    def __init__(self):
        super().__init__()
        self.rows: list[PositionRow] = []
        self.departments: list[DepartmentRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=_("Type to filter positions (Chinese or English)…"), id="position-filter",
                    select_on_focus=False)
        yield OptionList(id="position-list")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.fetch(_everything, then=self.show_rows)

    def show_rows(self, found: tuple[list[DepartmentRow], list[PositionRow]]) -> None:
        first_load = not self.rows
        self.departments, self.rows = found
        self.refill()
        if first_load:
            self.query_one(OptionList).focus()

    def refill(self) -> None:
        text = self.query_one(Input).value
        options: list[Option] = []
        width = max(20, self.size.width - 4)
        zh_w = 26
        en_w = max(10, width - zh_w - 12)
        by_department: dict[int, list[PositionRow]] = {}
        for row in self.rows:
            by_department.setdefault(row.department_id, []).append(row)
        for dept in self.departments:
            own = dept.lines and (not text or dept.matches(text))
            rows = [r for r in by_department.get(dept.id, []) if not text or r.matches(text) or dept.matches(text)]
            if not own and not rows:
                continue
            label = pick(dept.name_zh, dept.name_en)
            other = dept.name_en if label == dept.name_zh else dept.name_zh
            head = plain(f"{label} · {other}", style="bold")
            if dept.local_note:
                head.append(" " + _("(local choice)"), style="yellow")
            options.append(Option(head, disabled=True))
            if own:
                line = Text("  ")
                line.append(plain(cell_pad(_("the department's own duties"), zh_w + en_w), style="italic"))
                line.append(" " + ngettext("{count} line", "{count} lines", dept.lines).format(count=dept.lines),
                            style="dim")
                options.append(Option(line, id=f"department-{dept.id}"))
            self._position_options(options, rows, zh_w, en_w)
        self._show_options(options, text)

    def _position_options(self, options: list[Option], rows: list[PositionRow], zh_w: int, en_w: int) -> None:
        for row in rows:
            line = Text("  ")
            line.append(plain(cell_pad(row.title_zh, zh_w)))
            line.append(plain(cell_pad(row.title_en, en_w), style="italic"))
            line.append(f" {source_tag(row)}", style="dim")
            if row.local_note:
                line.append(" " + _("(local choice)"), style="yellow")
            options.append(Option(line, id=str(row.id)))

    def _show_options(self, options: list[Option], text: str) -> None:
        olist = self.query_one(OptionList)
        olist.clear_options()
        olist.add_options(options)
        if not any(not o.disabled for o in options):
            olist.add_option(Option(plain(_("No position matches “{text}”.").format(text=text), style="italic"),
                                    disabled=True))
        else:
            first = next(i for i, o in enumerate(options) if not o.disabled)
            olist.highlighted = first

    @on(Input.Changed, "#position-filter")
    def filter_changed(self) -> None:
        self.refill()

    @on(Input.Submitted, "#position-filter")
    def filter_submitted(self) -> None:
        self.action_open()

    @on(OptionList.OptionSelected, "#position-list")
    def option_selected(self, event: OptionList.OptionSelected) -> None:
        self.open_line(event.option.id)

    def on_key(self, event) -> None:
        filter_input = self.query_one(Input)
        olist = self.query_one(OptionList)
        if self.focused is olist and event.character and event.character.isprintable() and event.character not in "/?":
            filter_input.focus()
            filter_input.insert_text_at_cursor(event.character)
            event.stop()
        elif self.focused is filter_input and event.key in ("down", "up"):
            olist.focus()
            event.stop()

    def action_filter(self) -> None:
        self.query_one(Input).focus()

    def action_clear_filter(self) -> None:
        filter_input = self.query_one(Input)
        filter_input.value = ""
        self.query_one(OptionList).focus()

    def action_open(self) -> None:
        olist = self.query_one(OptionList)
        if olist.highlighted is None:
            return
        option = olist.get_option_at_index(olist.highlighted)
        if option.id is not None:
            self.open_line(option.id)

    def open_line(self, option_id: str) -> None:
        if option_id.startswith("department-"):
            self.fetch(department_detail, int(option_id.removeprefix("department-")), then=self._show_department)
        else:
            self.open_position(int(option_id))

    def open_position(self, position_id: int) -> None:
        self.fetch(position_detail, position_id, then=self._show_detail)

    def _show_detail(self, detail: PositionDetail | None) -> None:
        if detail is not None:
            self.app.push_screen(PositionDetailScreen(detail))

    def _show_department(self, detail: DepartmentDetail | None) -> None:
        if detail is not None:
            self.app.push_screen(DepartmentDetailScreen(detail))

    def palette_commands(self):
        return [(N_("Filter positions"), self.action_filter, N_("Type part of a title"))]


def _everything() -> tuple[list[DepartmentRow], list[PositionRow]]:
    return list_departments(), list_positions()


class DepartmentDetailScreen(DutyScreen):
    """A department's own duties, standards and appraisal points, as its documents give them."""

    TITLE_MSGID = "Positions"

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="department-back")]

    def __init__(self, detail: DepartmentDetail):
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="position-detail"):
            row = self.detail.row
            head = plain(pick(row.name_zh, row.name_en), style="bold")
            head.append("  " + _("the department's own duties"), style="italic")
            head.append(plain("\n" + _("documents: {sources}").format(sources="; ".join(self.detail.sources)),
                              style="dim"))
            if row.local_note:
                head.append(plain("\n" + _("Local choice: {note}").format(note=row.local_note), style="yellow"))
            yield Static(head, id="position-heading")
            yield from line_sections(self.detail)
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()


def source_tag(row: PositionRow) -> str:
    """"000 (二)": the document, and its part where a document repeats a title per part."""
    part = re.match(r"[（(][一二三四五六七八九十]+[)）]", row.source_section)
    return f"{row.source_doc} {part.group(0)}" if part else row.source_doc


class PositionDetailScreen(DutyScreen):
    """One position: duties, standards, appraisal points, its scheme and point rules."""

    TITLE_MSGID = "Positions"

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="position-back")]

    def __init__(self, detail: PositionDetail):
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="position-detail"):
            yield Static(self._heading(), id="position-heading")
            yield from line_sections(self.detail)
            if self.detail.rules:
                yield Static(_("Deduction and bonus rules"), classes="section-title")
                yield Static(rules_table(self.detail))
            if self.detail.scheme:
                yield Static(_("Appraisal scheme"), classes="section-title")
                yield Static(scheme_view(self.detail))
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def _heading(self) -> Text:
        row = self.detail.row
        text = Text()
        text.append(row.title_zh, style="bold")
        if row.title_en:
            text.append(f"  {row.title_en}", style="italic")
        text.append("\n")
        text.append(f"{pick(row.department_zh, row.department_en)} · ")
        text.append(_("document {doc}, {section}").format(doc=row.source_doc, section=row.source_section), style="dim")
        for note in (row.local_note, row.department_note):
            if note:  # what no document states, chosen here: shown, never passed off as the text
                text.append(plain("\n" + _("Local choice: {note}").format(note=note), style="yellow"))
        if self.detail.period:
            period = _(PERIOD_NAMES.get(self.detail.period, self.detail.period))
            text.append("\n" + _("Appraisal period: {period}").format(period=period))
        return text


def line_sections(detail: PositionDetail | DepartmentDetail):
    """The duties, standards and appraisal points a document gives, each a numbered section."""
    for title, items in ((_("Duties"), detail.duties), (_("Standards"), detail.standards),
                         (_("Appraisal points"), detail.appraisal)):
        if items:
            yield Static(title, classes="section-title")
            yield Static(numbered(items))


def numbered(items: list[str]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="dim", no_wrap=True)
    table.add_column(ratio=1)
    for n, text in enumerate(items, 1):
        table.add_row(f"{n}.", plain(text))  # a Rich table reads a str cell as markup
    return table


def rules_table(detail: PositionDetail) -> Table:
    table = Table(expand=True, show_edge=False, padding=(0, 1), header_style="bold")
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column(_("Fact"), ratio=1)
    table.add_column(_("Points"), justify="right", no_wrap=True)
    table.add_column(_("Per"), no_wrap=True)
    table.add_column(_("Cap / fine"), no_wrap=True)
    for rule in detail.rules:
        points = number(rule.signed_points)
        if rule.signed_points > 0:
            points = "+" + points
        extra = []
        if rule.cap:
            extra.append(_("cap {points}").format(points=number(rule.cap)))
        if rule.fine:
            extra.append(_("fine ¥{amount}").format(amount=number(rule.fine)))
        colour = "red" if rule.kind == "deduction" else "green"
        table.add_row(str(rule.seq), plain(rule.fact), Text(points, style=colour),
                      plain(rule.unit), plain(", ".join(extra)))
    return table


def scheme_view(detail: PositionDetail) -> Group:
    scheme = detail.scheme
    parts = []
    head = Text(pick(scheme.name_zh, scheme.name_en), style="bold")
    if scheme.inherited:
        head.append("  " + _("(the default sheet)"), style="dim")
    head.append("\n" + _("Score range {low}–{high}; weights: self {self}%, supervisor {sup}%, peers {peer}%").format(
        low=number(scheme.min_score), high=number(scheme.max_score), self=number(scheme.weights["self"]),
        sup=number(scheme.weights["supervisor"]), peer=number(scheme.weights["peer"])))
    parts.append(head)
    if scheme.criteria:
        table = Table(expand=True, show_edge=False, padding=(0, 1), header_style="bold")
        table.add_column(_("Item"), no_wrap=True)
        table.add_column(_("Criterion"), no_wrap=True)
        table.add_column(_("Max"), justify="right", no_wrap=True)
        table.add_column(_("Measure"), ratio=1)
        group = None
        for c in scheme.criteria:
            shown = pick(c.group_zh, c.group_en) if c.group_zh != group else ""
            group = c.group_zh
            table.add_row(plain(shown), plain(pick(c.name_zh, c.name_en)), number(c.max_points), plain(c.measure))
        parts.append(table)
    if scheme.bands:
        bands = Text(_("Bands: "))
        bands.append("  ".join(f"{pick(b.name_zh, b.name_en)} ≥{number(b.min_score)}" for b in scheme.bands))
        parts.append(bands)
    return Group(*parts)
