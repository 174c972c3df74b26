"""API keys from the command line (settings from the environment, like the service)::

    python -m api.keys create --tenant acme     # prints the key once; only its hash is stored
    python -m api.keys list
    python -m api.keys revoke KEY_ID
    python -m api.keys retention --tenant acme --days 90   # 0: keep forever; "default": DOCPIPE_RETENTION_DAYS
"""
from __future__ import annotations

import argparse
import sys

from db.tenants import create_api_key, list_api_keys, revoke_api_key, set_retention
from db.clock import isoformat
from db.migrate import upgrade
from db.session import Database


def _days(raw: str) -> int | None:
    if raw == "default":
        return None
    if not raw.isdigit() or int(raw) > 36500:
        raise argparse.ArgumentTypeError("a number of days from 0 (forever) to 36500, or 'default'")
    return int(raw)


def main(argv: list[str] | None = None, settings=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.keys", description="Manage docpipe API keys.")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="create a key for a tenant (created if new)")
    create.add_argument("--tenant", required=True)
    sub.add_parser("list", help="list keys (never the secrets)")
    revoke = sub.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    keep = sub.add_parser("retention", help="days a tenant's ended jobs (files and results) are kept")
    keep.add_argument("--tenant", required=True)
    keep.add_argument("--days", required=True, type=_days, help='0 keeps them forever; "default" follows '
                      "DOCPIPE_RETENTION_DAYS")
    args = parser.parse_args(argv)

    if settings is None:
        from settings import Settings

        settings = Settings.from_env()
    database = Database.for_url(settings.database_url)
    upgrade(database)
    with database.session() as s:
        if args.command == "create":
            tenant = args.tenant.strip()
            if not tenant or len(tenant) > 100:
                print("tenant must be 1-100 characters", file=sys.stderr)
                return 2
            key, secret = create_api_key(s, tenant)
            print(f"key id: {key.id}\ntenant: {tenant}\nkey:    {secret}\n(store the key now: it is not shown again)")
        elif args.command == "retention":
            set_retention(s, args.tenant.strip(), args.days)
            shown = "DOCPIPE_RETENTION_DAYS" if args.days is None else "forever" if args.days == 0 else f"{args.days} days"
            print(f"tenant {args.tenant.strip()}: ended jobs kept {shown}")
        elif args.command == "list":
            for key, tenant in list_api_keys(s):
                state = f"revoked {isoformat(key.revoked_at)}" if key.revoked_at else "active"
                print(f"{key.id}  {tenant:20}  {key.prefix}…  created {isoformat(key.created_at)}  {state}")
        elif not revoke_api_key(s, args.key_id):
            print(f"no active key {args.key_id}", file=sys.stderr)
            return 1
        else:
            print(f"revoked {args.key_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
