"""A mistake in a seed file stops the load before anything is written, naming file and line."""

from pathlib import Path

import pytest

from duty_desk.models.accounts.audit import AuditEvent
from duty_desk.models.organisation.org import Department, Position
from duty_desk.seed import loader


def broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for path in loader.DATA_DIR.glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        if path.name == file:
            assert text.count(old) >= 1, old
            text = text.replace(old, new, 1)
        (folder / path.name).write_text(text, encoding="utf-8")
    return folder


def line_of(folder: Path, file: str, text: str) -> int:
    lines = (folder / file).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


CASES = {
    "syntax": ("002.toml", 'title = "辦公室值班員職責與要求制度"', 'title = "辦公室值班員職責與要求制度', 'title = "辦公室'),
    "unknown key": ("001b.toml", '  fact = "每月少一次盘点"', '  fact = "每月少一次盘点"\n  pionts = 3', "pionts = 3"),
    "duplicate key": ("003.toml", 'key = "003-deputy-director"', 'key = "003-director"', None),
    "rule without points": ("001b.toml", '  fact = "每月少一次盘点"\n  kind = "deduction"\n  points = 3\n',
                            '  fact = "每月少一次盘点"\n  kind = "deduction"\n', None),
    "department with two names": ("003.toml", 'zh = "辦公室"', 'zh = "辦公廳"', 'zh = "辦公廳"'),
    "counts not numbers": ("002.toml", "positions = 2,", 'positions = "two",', "counts = "),
    # how a rule applies (basis and its parameters)
    "unknown basis": ("001b.toml", 'basis = "graded"', 'basis = "sometimes"', 'basis = "sometimes"'),
    "unknown every": ("001b.toml", '  every = "week"\n  times = 1\n  line = 665',
                      '  every = "fortnight"\n  times = 1\n  line = 665', 'every = "fortnight"'),
    "graded without grades": ("001b.toml", '  grades = "2,4,6,8,10"\n', "", 'basis = "graded"'),
    "measured without step": ("001b.toml", "  step = 0.1\n", "", 'basis = "measured"'),
    "shortfall without activity": ("001b.toml", '  activity = "dispatch"\n', "", 'basis = "shortfall"'),
    "bad due": ("001b.toml", '"+14d 24:00,', '"by the 15th,', 'due = "by the 15th'),
    "parameter of another basis": ("001b.toml", '  basis = "occurrence"\n  line = 721',
                                   '  basis = "occurrence"\n  every = "half"\n  line = 721', 'every = "half"'),
    "two rules, one code": ("001b.toml", 'code = "missed_patrol"', 'code = "absent_from_post"',
                            'code = "absent_from_post"'),
    "rule without line": ("001b.toml", "  line = 663\n", "", None),
    # schemes and the positions' cycles
    "unknown scheme of a position": ("002.toml", 'schemes = ["002-monthly-self",',
                                     'schemes = ["002-monthly",', 'schemes = ["002-monthly",'),
    "feeds a scheme no longer": ("002.toml", 'feeds = "002-quarterly-supervisor"', 'feeds = "002-monthly-self"',
                                 'feeds = "002-monthly-self"'),
    "unknown rater": ("002.toml", 'raters = "self"', 'raters = "selves"', 'raters = "selves"'),
    "weight of one who does not rate": ("002.toml", "weights = { self = 100, supervisor = 0, peer = 0 }",
                                        "weights = { self = 80, supervisor = 20, peer = 0 }", "self = 80"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_load_stops_before_writing_with_file_and_line(case, empty_db, tmp_path):
    file, old, new, marker = CASES[case]
    folder = broken(tmp_path, file, old, new)
    events = AuditEvent.select().count()
    with pytest.raises(loader.SeedError) as caught:
        loader.load(folder)
    message = str(caught.value)
    assert file in message and ", line " in message, message
    if marker:
        assert f"line {line_of(folder, file, marker)}," in message, message
    assert Position.select().count() == 0 and Department.select().count() == 0
    assert AuditEvent.select().count() == events


def test_a_department_with_two_names_names_both_files(empty_db, tmp_path):
    folder = broken(tmp_path, "003.toml", 'zh = "辦公室"', 'zh = "辦公廳"')
    with pytest.raises(loader.SeedError) as caught:
        loader.read(folder)
    message = str(caught.value)
    first = line_of(loader.DATA_DIR, "000.toml", 'zh = "辦公室"')
    here = line_of(folder, "003.toml", 'zh = "辦公廳"')
    assert f"line {here}," in message
    assert "003.toml" in message and f"000.toml line {first}" in message and "'office'" in message


def test_renamed_from_a_key_still_in_the_files_is_refused(tmp_path):
    folder = broken(tmp_path, "002.toml", 'key = "002-shift-lead"\n',
                    'key = "002-shift-lead"\nrenamed_from = "002-duty-officer"\n')
    with pytest.raises(loader.SeedError, match="renamed_from"):
        loader.read(folder)
