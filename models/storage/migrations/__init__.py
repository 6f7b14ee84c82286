"""Numbered schema migrations, applied in order by ``models.storage.schema.upgrade``.

Each migration writes its DDL as it stood when it was made, never from the live models:
the models change, a migration never does.
"""
