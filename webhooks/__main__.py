"""A receiver's (or an operator's) helper to check a webhook signature:

    python -m webhooks verify --secret whsec_... --body-file body.json \\
        --header "webhook-id: evt_..." --header "webhook-timestamp: 1700000000" \\
        --header "webhook-signature: v1,..."

It prints ``ok`` and exits 0, or prints the reason and exits 1. ``sign``
prints the headers for a body (a sample signed request), and
``generate-secret`` prints a new ``whsec_`` secret.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from webhooks.errors import VerificationError, WebhookError
from webhooks.signing import generate_secret, signed_headers, verify


def _parse_header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"a header is 'name: value', got {text!r}")
    return name.strip(), value.strip()


def _read_body(path: str) -> bytes:
    return sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()


def _cmd_verify(args: argparse.Namespace) -> int:
    try:
        verify(args.secret, args.header, _read_body(args.body_file), tolerance=args.tolerance)
    except VerificationError as exc:
        print(f"{exc.code}: {exc.message}")
        return 1
    except WebhookError as exc:  # a malformed secret, say
        print(f"{exc.code}: {exc.message}")
        return 2
    print("ok")
    return 0


def _cmd_sign(args: argparse.Namespace) -> int:
    try:
        headers = signed_headers(args.secret, args.id, _read_body(args.body_file), args.timestamp)
    except WebhookError as exc:
        print(f"{exc.code}: {exc.message}")
        return 2
    except ValueError as exc:  # an id with a '.'
        print(f"invalid_id: {exc}")
        return 2
    for name, value in headers.items():
        print(f"{name}: {value}")
    return 0


def _cmd_generate_secret(args: argparse.Namespace) -> int:
    print(generate_secret(args.bytes))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webhooks", description="docpipe webhook helpers")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("verify", help="check a received webhook's signature and timestamp")
    p.add_argument("--secret", required=True, action="append", help="whsec_... (repeat for old and new)")
    p.add_argument("--body-file", required=True, help="the raw request body, exactly as received ('-' = stdin)")
    p.add_argument("--header", action="append", default=[], type=_parse_header, help="'name: value', repeatable")
    p.add_argument("--tolerance", type=int, default=300, help="seconds of clock skew accepted (default 300)")
    p.set_defaults(run=_cmd_verify)

    p = commands.add_parser("sign", help="print the webhook headers for a body")
    p.add_argument("--secret", required=True, action="append", help="whsec_... (repeat to sign with several)")
    p.add_argument("--body-file", required=True, help="the body to sign ('-' = stdin)")
    p.add_argument("--id", required=True, help="the webhook-id (event id)")
    p.add_argument("--timestamp", type=int, default=None, help="unix seconds (default now)")
    p.set_defaults(run=_cmd_sign)

    p = commands.add_parser("generate-secret", help="print a new whsec_ secret")
    p.add_argument("--bytes", type=int, default=32, help="random bytes, 24-64 (default 32)")
    p.set_defaults(run=_cmd_generate_secret)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
