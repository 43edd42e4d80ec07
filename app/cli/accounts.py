"""`init`, `users …` and `policy …`."""
from __future__ import annotations

import json
import os

from app.cli.common import EXIT_OK, NEW_PASSWORD_ENV, PASSWORD_ENV, day, new_password, role


def register(commands) -> None:
    init = commands.add_parser("init", help="create the database and its first administrator")
    init.add_argument("--admin", required=True)
    init.add_argument("--agency", default="Glendora Police Department")
    init.set_defaults(handler=_init, needs_login=False)

    users = commands.add_parser("users", help="manage users").add_subparsers(dest="action", required=True)
    add = users.add_parser("add", help="add a user")
    add.add_argument("name")
    add.add_argument("--role", action="append", required=True, type=role)
    add.add_argument("--agency")
    users.add_parser("list", help="list users").add_argument("--json", action="store_true")
    roles = users.add_parser("roles", help="replace a user's roles")
    roles.add_argument("name")
    roles.add_argument("--role", action="append", required=True, type=role)
    users.add_parser("unlock", help="unlock a locked account").add_argument("name")
    users.add_parser("deactivate", help="deactivate an account").add_argument("name")
    training = users.add_parser("training", help="record a user's ALPR training")
    training.add_argument("name")
    training.add_argument("--date", type=day)
    training.add_argument("--trainer", default="")
    for sub in users.choices.values():
        sub.set_defaults(handler=_users)

    policy = commands.add_parser("policy", help="the ALPR policy").add_subparsers(dest="action", required=True)
    policy.add_parser("show", help="print the policy").set_defaults(handler=_policy)
    policy.add_parser("accept", help="acknowledge the policy").set_defaults(handler=_policy)


def _init(args, services, _caller) -> int:
    password = os.environ.get(NEW_PASSWORD_ENV) or os.environ.get(PASSWORD_ENV) or new_password(args.admin)
    services.users.create_first_admin(args.admin, password, args.agency, services.settings.workstation)
    print(f"database ready; administrator {args.admin!r} created for {args.agency}")
    return EXIT_OK


def _users(args, services, caller) -> int:
    users = services.users
    if args.action == "add":
        users.add_user(caller, args.name, new_password(args.name), args.role, agency=args.agency)
        print(f"user {args.name!r} added")
    elif args.action == "list":
        for user in users.list_users(caller):
            if args.json:
                print(json.dumps({
                    "username": user.username, "roles": [r.value for r in user.roles],
                    "agency": user.agency, "active": user.active, "locked": user.locked,
                    "last_training": user.last_training.isoformat() if user.last_training else None,
                    "policy_accepted": user.policy_version_accepted is not None,
                }))
            else:
                flags = [f for f, on in (("locked", user.locked), ("inactive", not user.active)) if on]
                print(f"{user.username:<20} {','.join(r.value for r in user.roles):<40} "
                      f"trained {user.last_training or 'no':<10} {' '.join(flags)}".rstrip())
    elif args.action == "roles":
        users.set_roles(caller, args.name, args.role)
        print(f"roles of {args.name!r}: {', '.join(r.value for r in args.role)}")
    elif args.action == "unlock":
        users.unlock(caller, args.name)
        print(f"user {args.name!r} unlocked")
    elif args.action == "deactivate":
        users.deactivate(caller, args.name)
        print(f"user {args.name!r} deactivated")
    elif args.action == "training":
        users.record_training(caller, args.name, args.date, args.trainer)
        print(f"training recorded for {args.name!r}")
    return EXIT_OK


def _policy(args, services, caller) -> int:
    if args.action == "show":
        print(f"Policy version {services.policy.current_version()}\n")
        print(services.policy.text)
    else:
        version = services.policy.accept(caller)
        print(f"policy {version} acknowledged by {caller.username}")
    return EXIT_OK
