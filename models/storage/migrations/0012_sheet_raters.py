"""Who scores a scoresheet: the raters of its scheme, copied when the period opens.

A duty officer's monthly sheet is a self-appraisal and the quarter's a supervisor's
(``002``): the sheet keeps its scheme's ``raters`` as it stood, as it keeps the weights, so
a later change of the scheme never changes a sheet already under way. Sheets opened before
this column existed were scored by all three raters, and keep that.
"""


def up(migrator, db):
    from duty_desk.models.accounts.audit import install

    db.execute_sql("ALTER TABLE scoresheet ADD COLUMN raters VARCHAR(255) NOT NULL DEFAULT 'self,supervisor,peer'")
    install(db, "scoresheet")  # the audit triggers copy the new column too
