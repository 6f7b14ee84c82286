"""A progress bar for long command-line jobs: on a terminal only, silent in a pipe."""

from __future__ import annotations

import sys
from contextlib import contextmanager


@contextmanager
def progress_bar(title: str):
    """A bar on stderr when it is a terminal (nothing in a pipe or a log); yields
    ``advance(step, done, total)``, which names the step and how far it has got."""
    if not sys.stderr.isatty():
        yield lambda step, done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(title, total=1)

        def advance(step: str, done: int, total: int) -> None:
            bar.update(task, description=f"{title}: {step}", completed=done, total=max(total, 1))

        yield advance
