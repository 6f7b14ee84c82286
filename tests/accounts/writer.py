"""A writer process for the concurrency tests (not collected: no test_ prefix).

``python -m tests.accounts.writer DB PERSON_ID many COUNT START_AT`` adds COUNT entries
starting at the wall-clock time START_AT; ``... ack`` waits for "go" on stdin, then writes
until killed, printing each id only after its transaction committed.
"""

from __future__ import annotations

import os
import sys
import time


def writer_functions():
    """The duty log's own add if it is there, else a plain audited insert of our own."""
    try:
        from duty_desk.models.logbook.entries import add_entry
        from duty_desk.models.logbook.tables import LogEntry

        def write(tag: str) -> int:
            return add_entry("other", f"concurrency {tag}")

        def count(tag_prefix: str) -> int:
            return LogEntry.select().where(LogEntry.text.startswith(f"concurrency {tag_prefix}")).count()

        return write, count, LogEntry
    except ImportError:
        from duty_desk.models.storage.db import writes
        from duty_desk.models.organisation.org import Person

        @writes
        def write(tag: str) -> int:
            return Person.insert(name=f"concurrency {tag}", role="officer", active=True,
                                 created="2026-11-20 08:00:00").execute()

        def count(tag_prefix: str) -> int:
            return Person.select().where(Person.name.startswith(f"concurrency {tag_prefix}")).count()

        return write, count, Person


def forked_writer(address: str, person_id: int, tag: str) -> tuple[int, int]:
    """A writer in a forked child (no interpreter start-up, so many kills stay quick).

    The child opens its own connection and reports each id on a pipe only after the commit.
    Returns the child's pid and the pipe's read end.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        try:
            from duty_desk.models.accounts.session import Actor, sign_in
            from duty_desk.models.storage.schema import open_database

            open_database(address)
            sign_in(Actor(person_id, "writer", "admin"))
            write, _count, _model = writer_functions()
            n = 0
            while True:
                os.write(write_end, f"{write(f'ack-{tag}-{n}')}\n".encode())
                n += 1
        finally:
            os._exit(1)
    os.close(write_end)
    return pid, read_end


def main(argv: list[str]) -> int:
    from duty_desk.models.storage.schema import open_database
    from duty_desk.models.accounts.session import Actor, sign_in

    path, person_id, mode = argv[0], int(argv[1]), argv[2]
    open_database(path)
    sign_in(Actor(person_id, "writer", "admin"))
    write, _count, _model = writer_functions()
    if mode == "many":
        count, start_at = int(argv[3]), float(argv[4])
        tag = argv[5]
        while time.time() < start_at:
            time.sleep(0.001)
        for n in range(count):
            write(f"{tag}-{n}")
        print("done", flush=True)
        return 0
    print("ready", flush=True)
    sys.stdin.readline()
    n = 0
    while True:
        row_id = write(f"ack-{argv[3]}-{n}")
        sys.stdout.write(f"{row_id}\n")
        sys.stdout.flush()
        n += 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
