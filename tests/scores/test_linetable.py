"""The Line-API table: CJK-aware columns, the cursor by keys, sorting, Enter, only visible rows drawn."""

from rich.cells import cell_len
from textual.app import App

from tests.helpers import screen_text, settle
from duty_desk.tui.linetable import Column, LineTable, fit

NAMES = ["林晓东", "Li Na", "欧阳春花", "Zhang", "马志强"]


class TableApp(App):
    def __init__(self, rows):
        super().__init__()
        self.rows = rows
        self.selected = []

    def compose(self):
        yield LineTable([Column("n", "No.", 4, "right"), Column("name", "Name", 8), Column("score", "Score", 6, "right"),
                         Column("note", "Note", 4, flex=True)], id="t")

    def on_mount(self):
        table = self.query_one(LineTable)
        table.set_rows(self.rows)
        table.focus()

    def on_line_table_row_selected(self, event: LineTable.RowSelected):
        self.selected.append(event.key)


def people(n: int):
    return [(f"k{i}", (str(i + 1), NAMES[i % len(NAMES)] + ("很长的名字" if i == 3 else ""), f"{(i * 37) % 100:.1f}",
                       ("说明", "italic"))) for i in range(n)]


def test_fit_counts_terminal_cells():
    assert fit("林晓东", 8) == "林晓东  "
    assert fit("欧阳春花很长的名字", 8) == "欧阳春… "  # 7 cells of text and "…", padded to 8
    assert fit("Zhang很长", 8) == "Zhang很…" and fit("Zhang很长", 7) == "Zhang… "
    assert fit("7.5", 5, "right") == "  7.5" and fit("abc", 1) == "a"


async def test_columns_line_up_with_chinese_names_and_long_ones_are_cut():
    app = TableApp(people(5))
    async with app.run_test(size=(40, 10)) as pilot:
        await settle(app, pilot)
        lines = screen_text(app).splitlines()
        assert lines[0].startswith("  No. Name      Score Note")
        body = lines[1:6]
        # the score column ends at the same terminal cell on every line, whatever the name
        ends = {cell_len(line[:line.index(score) + len(score)]) for line, score in
                zip(body, ["0.0", "37.0", "74.0", "11.0", "48.0"])}
        assert ends == {cell_len("  No. Name      Score")}, body
        assert "Zhang很…" in body[3] and "欧阳春花" in body[2]


async def test_keys_move_the_cursor_and_the_view_follows():
    app = TableApp(people(200))
    async with app.run_test(size=(40, 10)) as pilot:
        await settle(app, pilot)
        table = app.query_one(LineTable)
        await pilot.press("down", "down")
        assert table.cursor_row == 2 and table.cursor_key == "k2"
        await pilot.press("pagedown")
        assert table.cursor_row == 2 + 8  # a page is the visible rows less one
        await pilot.press("end")
        await settle(app, pilot)
        assert table.cursor_row == 199 and "200" in screen_text(app).splitlines()[-1]
        await pilot.press("home", "up")
        await settle(app, pilot)
        assert table.cursor_row == 0 and screen_text(app).splitlines()[1].strip().startswith("1 ")
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert app.selected == ["k1"]


async def test_sorting_keeps_the_cursor_on_its_row():
    app = TableApp(people(20))
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(app, pilot)
        table = app.query_one(LineTable)
        await pilot.press("down", "down", "down")
        assert table.cursor_key == "k3"
        table.sort(column="score", reverse=True)  # numbers by value, not as text
        scores = [float(r.cells[2]) for r in table.rows]
        assert scores == sorted(scores, reverse=True)
        assert table.cursor_key == "k3" and table.rows[table.cursor_row].key == "k3"
        table.sort(key=lambda row: int(row.cells[0]))
        assert table.keys[:3] == ["k0", "k1", "k2"] and table.cursor_key == "k3"
        table.set_rows(reversed(people(20)))  # new rows: the cursor stays with its key
        assert table.cursor_key == "k3" and table.cursor_row == 16


async def test_only_the_visible_rows_are_drawn(monkeypatch):
    drawn = []
    original = LineTable._strip

    def counting(self, cells, *args, **kwargs):
        drawn.append(cells[0])
        return original(self, cells, *args, **kwargs)

    monkeypatch.setattr(LineTable, "_strip", counting)
    app = TableApp(people(20_000))
    async with app.run_test(size=(40, 10)) as pilot:
        await settle(app, pilot)
        assert 0 < len(drawn) < 100, len(drawn)  # a few refreshes of 10 lines, not 20,000 rows
        drawn.clear()
        await pilot.press("end")
        await settle(app, pilot)
        assert "20000" in drawn and len(drawn) < 100


async def test_an_empty_table_shows_its_placeholder():
    app = TableApp([])
    async with app.run_test(size=(40, 6)) as pilot:
        table = app.query_one(LineTable)
        table.placeholder = "none"
        table.refresh()
        await settle(app, pilot)
        assert screen_text(app).splitlines()[1].strip() == "none"
        await pilot.press("down", "enter", "end")
        assert app.selected == [] and table.cursor_key is None


async def test_a_click_moves_the_cursor_and_a_second_one_opens_the_row():
    app = TableApp(people(30))
    async with app.run_test(size=(40, 10)) as pilot:
        await settle(app, pilot)
        table = app.query_one(LineTable)
        await pilot.click("#t", offset=(6, 3))  # the third row under the header
        assert table.cursor_key == "k2" and app.selected == []
        await pilot.click("#t", offset=(6, 3))
        await settle(app, pilot)
        assert app.selected == ["k2"]
        await pilot.click("#t", offset=(6, 0))  # the header: nothing
        assert table.cursor_key == "k2" and app.selected == ["k2"]
