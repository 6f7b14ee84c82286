"""Reading what a person would see."""


def screen_text(app) -> str:
    """The text on the terminal right now, line by line (what a person reads).

    The one place the tests read Textual's private ``_compositor``: Textual 8 offers the
    screen only as an SVG (``export_screenshot``), whose text is split into styled spans."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


async def settle(app, pilot) -> None:
    """Wait until database workers are done and the screen has redrawn."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def wait_until(pilot, condition, timeout: float = 10.0, step: float = 0.1) -> bool:
    """Pause until *condition()* holds (a timer fired, a worker ended); False on timeout.

    For behaviour driven by timers, which a loaded machine may run late.
    """
    waited = 0.0
    while not condition():
        if waited >= timeout:
            return False
        await pilot.pause(step)
        waited += step
    return True


def proof(tmp_path, name: str, pin: str) -> list[str]:
    """Command-line options that act as *name*, proving it with *pin* from a file."""
    pin_file = tmp_path / f"pin-{abs(hash(name))}"
    pin_file.write_text(pin + "\n", encoding="utf-8")
    return ["--as", name, "--pin-file", str(pin_file)]


def demo_admin(tmp_path) -> list[str]:
    """Act as the demo's administrator, with the demo PIN (a demo database is open)."""
    from duty_desk.models.accounts.credentials import demo_pin
    from duty_desk.models.organisation.org import Person

    admin = Person.select().where(Person.role == "admin").order_by(Person.id).first()
    return proof(tmp_path, admin.name, demo_pin())
