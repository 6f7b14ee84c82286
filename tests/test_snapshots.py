"""How screens look at 80×24: SVG snapshots (update with ``pytest --snapshot-update``)."""


def test_positions_filtered_to_the_warehouse(seeded_db, make_app, snap_compare):
    app = make_app(lang="zh_CN", start="positions")
    assert snap_compare(app, press=[*"仓库"], terminal_size=(80, 24))


def test_position_detail_in_english(seeded_db, make_app, snap_compare):
    app = make_app(start="positions")
    assert snap_compare(app, press=[*"timber", "enter"], terminal_size=(80, 24))
