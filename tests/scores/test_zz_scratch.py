from tests.helpers import screen_text, settle
from tests.test_snapshots import _demo_admin, _open
from models import clock
from tests.conftest import TEST_NOW


async def test_render(demo_db, make_app):
    clock.freeze(TEST_NOW)
    for size in ((80, 24), (200, 50)):
        for lang in ("en", "zh_CN"):
            app = make_app(actor=_demo_admin(), start="log", lang=lang)
            async with app.run_test(size=size) as pilot:
                await _open("scoresheet")(pilot)
                open(f"/tmp/scratch/demo-{size[0]}-{lang}.txt", "w").write(screen_text(app))
            app = make_app(actor=_demo_admin(), start="log", lang=lang)
            async with app.run_test(size=size) as pilot:
                await _open("scores")(pilot)
                open(f"/tmp/scratch/demolist-{size[0]}-{lang}.txt", "w").write(screen_text(app))
