"""API keys from the command line (settings from the environment, like the service)::

    python -m api.keys create --tenant acme     # prints the key once; only its hash is stored
    python -m api.keys list
    python -m api.keys revoke KEY_ID
"""
from __future__ import annotations

import argparse
import sys

from db.tenants import create_api_key, list_api_keys, revoke_api_key
from db.clock import isoformat
from db.migrate import upgrade
from db.session import Database


def main(argv: list[str] | None = None, settings=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.keys", description="Manage docpipe API keys.")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="create a key for a tenant (created if new)")
    create.add_argument("--tenant", required=True)
    sub.add_parser("list", help="list keys (never the secrets)")
    revoke = sub.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
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
