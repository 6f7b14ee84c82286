"""The ``duty`` command: open the app, or run a maintenance command.

Every failure a person can cause (a bad path, a locked or damaged file, a seed mistake) ends
in one sentence on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from duty_desk.models import clock
from duty_desk.models.errors import DutyError

from duty_desk.tui.i18n import _, detect_language, error_text, set_language

if TYPE_CHECKING:
    from duty_desk.models.storage.dialect import Address


def _program_version() -> str:
    """The installed package's version: written once, in pyproject.toml."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("duty-desk")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"


PROGRAM_VERSION = _program_version()

# Modules that add subcommands: each has ``register(subparsers)``; parsers set ``run``.
COMMAND_MODULES: tuple[str, ...] = (
    "duty_desk.tui.cli_core", "duty_desk.tui.cli_admin", "duty_desk.tui.cli_scores", "duty_desk.tui.cli_log",
    "duty_desk.tui.cli_roster", "duty_desk.tui.cli_tokens")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="duty", description=_("Duty Desk: the duty office in a terminal."))
    parser.add_argument("--db", metavar="PATH", help=_("database file (default: $DUTY_DB or the user data folder)"))
    parser.add_argument("--lang", choices=("en", "zh_CN"), help=_("interface language (default: from the locale)"))
    parser.add_argument("--version", action="store_true", help=_("show the program and schema versions"))
    parser.add_argument("--as", dest="as_person", metavar="NAME", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        importlib.import_module(module).register(sub)
    _accept_anywhere(parser, ("--db", "--lang"))
    return parser


def _accept_anywhere(parser: argparse.ArgumentParser, options: tuple[str, ...]) -> None:
    """``duty demo --db PATH`` as well as ``duty --db PATH demo``: every subcommand takes the
    global options too, without overriding a value given before the verb."""
    globals_ = {a.option_strings[0]: a for a in parser._actions if a.option_strings and a.option_strings[0] in options}
    todo = [parser]
    while todo:
        current = todo.pop()
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    for option in options:
                        if option not in child._option_string_actions:
                            g = globals_[option]
                            child.add_argument(option, dest=g.dest, metavar=g.metavar, choices=g.choices,
                                               default=argparse.SUPPRESS, help=argparse.SUPPRESS)
                    todo.append(child)


def database_path(args) -> Path | Address:
    """The database file, or the PostgreSQL server, the command line names."""
    from duty_desk.models.storage.db import default_path, path_from

    return path_from(args.db) if args.db else default_path()


def open_db(args, create: bool = True) -> Path:
    """Open the chosen database; *create* False refuses a missing file (``duty check``)."""
    import os

    from duty_desk.models.storage.schema import open_database

    path = database_path(args)
    # Only the default place (no --db, no DUTY_DB) may have its folder made: a chosen path
    # whose folder is missing is a typo, not a request for new folders.
    chosen = bool(args.db or os.environ.get("DUTY_DB"))
    open_database(path, create=create, create_folder=not chosen)
    return path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang")
    known, _rest = pre.parse_known_args(argv)
    set_language(detect_language(known.lang))
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(message)s")
    try:
        clock.from_environment()  # DUTY_TZ and DUTY_NOW, checked before anything is opened
    except clock.ClockError as exc:
        print(_("Cannot start: {reason} (check DUTY_TZ and DUTY_NOW).").format(reason=exc), file=sys.stderr)
        return 2
    try:
        if args.version:
            return version(args)
        if args.command:
            return args.run(args) or 0
        return run_app(args)
    except DutyError as exc:
        print(error_text(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        print(_("Cannot continue: {reason}").format(reason=exc.strerror or exc), file=sys.stderr)
        return 1


def version(args) -> int:
    from duty_desk.models.storage.schema import current_version, latest_version

    path = database_path(args)
    line = _("Duty Desk {version}, schema {schema}").format(version=PROGRAM_VERSION, schema=latest_version())
    if path.exists():
        open_db(args)
        line += "; " + _("database {path} at schema {schema}").format(path=path, schema=current_version())
    print(line)
    return 0


def run_app(args) -> int:
    path = open_db(args)
    from duty_desk.models.organisation.org import Position

    if not Position.select().exists():
        # The documents' positions are the customer's own, not demo data; people are not
        # invented: the app asks who the administrator is.
        from duty_desk.seed import loader

        print(_("Loading the positions of the source documents into {path}…").format(path=path), file=sys.stderr)
        loader.load()
    from duty_desk.tui.app import DutyApp
    from duty_desk.tui.session import initial_actor

    # A shared terminal asks who is there; --as skips the PIN for development only (DUTY_DEV=1).
    import os

    actor = initial_actor(args.as_person) if args.as_person and os.environ.get("DUTY_DEV") == "1" else None
    app = DutyApp(lang=detect_language(args.lang), actor=actor, daily_backup=True)
    app.run()
    return app.return_code or 0
