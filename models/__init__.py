"""Duty Desk's data: the Peewee models, database set-up, queries and domain rules.

Nothing here imports Textual; the screens call in and get plain data back.
"""
