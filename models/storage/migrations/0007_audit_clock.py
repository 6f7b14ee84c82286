"""The audit trail takes its time from the desk's clock (``duty_now()``), not SQLite's.

Before this, the triggers stamped events with SQLite's ``'now', 'localtime'``: the
machine's clock and zone, which a test, a demo or ``DUTY_TZ`` could not set. Renewing
every table's triggers keeps all rows; only the trigger text changes.
"""


def up(migrator, db):
    from duty_desk.models.accounts.audit import install_all

    install_all(db)
