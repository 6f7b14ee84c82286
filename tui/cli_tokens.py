"""``duty token``: API tokens for scripts and alarm systems (administrators only)."""

from __future__ import annotations

import sys

from duty_desk.tui import cli_auth
from duty_desk.tui.i18n import _


def register(sub) -> None:
    token = sub.add_parser("token", help=_("API tokens for scripts and alarm systems"))
    t_sub = token.add_subparsers(dest="token_command", metavar="ACTION")
    add = t_sub.add_parser("add", help=_("issue a token: it is shown once"))
    add.add_argument("source", help=_("what will use it, such as “fire alarm”"))
    add.add_argument("--for", dest="for_name", metavar="NAME", required=True,
                     help=_("the person the token writes as"))
    cli_auth.add_options(add)
    add.set_defaults(run=token_add)
    revoke = t_sub.add_parser("revoke", help=_("revoke a token by its number"))
    revoke.add_argument("id", type=int)
    cli_auth.add_options(revoke)
    revoke.set_defaults(run=token_revoke)
    listing = t_sub.add_parser("list", help=_("the tokens issued, with when each was last used"))
    cli_auth.add_options(listing)
    listing.set_defaults(run=token_list)
    token.set_defaults(run=lambda args: (token.print_help(), 2)[1])


def token_add(args) -> int:
    from duty_desk.models.accounts import tokens
    from duty_desk.models.accounts.session import acting_as

    from duty_desk.tui.cli import open_db

    open_db(args)
    proven = cli_auth.prove(args, "staff.edit")
    person = cli_auth.person_named(args.for_name)
    with acting_as(proven.actor):
        token_id, token = tokens.issue(args.source, person.id)
    from duty_desk.models.safe_text import printable

    print(_("Token {id} for {source}, writing as {name}. Keep it in a file only that program can read; "
            "it is not shown again:").format(id=token_id, source=printable(args.source),
                                             name=printable(person.name)), file=sys.stderr)
    print(token)
    return 0


def token_revoke(args) -> int:
    from duty_desk.models.accounts import tokens
    from duty_desk.models.accounts.session import acting_as

    from duty_desk.tui.cli import open_db

    open_db(args)
    with acting_as(cli_auth.prove(args, "staff.edit").actor):
        tokens.revoke(args.id)
    print(_("Token {id} revoked.").format(id=args.id))
    return 0


def token_list(args) -> int:
    from duty_desk.models.accounts import tokens
    from duty_desk.models.accounts.session import acting_as

    from duty_desk.tui.cli import open_db

    open_db(args)
    with acting_as(cli_auth.prove(args, "staff.edit").actor):
        rows = tokens.tokens()
    from duty_desk.models.safe_text import printable

    for row in rows:
        state = _("revoked") if row.revoked else _("active")
        print(f"{row.id}\t{printable(row.source)}\t{printable(row.person)}\t{row.issued_at}\t{state}\t{row.last_used}")
    return 0
