"""Demo PINs: every invented person can sign in with the same documented PIN.

One hash is computed and shared (with one salt), so even a 1,000-person demo costs one
scrypt run; a real deployment sets PINs one by one in the staff screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from duty_desk.models.accounts.credentials import Credential, Setting, hash_pin
from duty_desk.models.storage.db import writes

if TYPE_CHECKING:  # seed/demo.py runs this step: named for the checker only
    from duty_desk.seed.demo import DemoContext

DEMO_PIN = "2468"


@writes
def build(ctx: DemoContext) -> None:
    # The salt comes from the demo's seeded random, so one seed and one day give one database.
    fields = hash_pin(DEMO_PIN, salt=ctx.rng.randbytes(16))
    rows = [{"person": p["id"], **fields, "failures": 0, "locked": False, "changed": ctx.now} for p in ctx.staff]
    for start in range(0, len(rows), 500):
        Credential.insert_many(rows[start:start + 500]).on_conflict_ignore().execute()
    Setting.insert(key="demo_pin", value=DEMO_PIN).on_conflict_replace().execute()
    ctx.notes.append(f"PIN {DEMO_PIN} for everyone")
