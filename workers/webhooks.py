"""Webhooks to ERP systems: the delivery core, and a receiver's verify helper.

The parts live in one module per concern:
- ``webhook_signing``: secrets, ``sign``, ``verify`` (Standard Webhooks);
- ``webhook_events``: the thin JSON event body;
- ``ssrf_guard``: which addresses may be called;
- ``webhook_transport``: one signed POST, pinned to checked addresses;
- ``webhook_retry``: what an attempt's outcome means and when to try again.

Run as a program it helps a receiver (or an operator) check a signature:

    python -m workers.webhooks verify --secret whsec_... --body-file body.json \\
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

from workers.ssrf_guard import parse_allowed_networks
from workers.webhook_errors import VerificationError, WebhookError
from workers.webhook_events import encode, job_event, page_event
from workers.webhook_retry import DEFAULT_SCHEDULE, Decision, Outcome, RetryPolicy, classify, next_delay
from workers.webhook_signing import generate_secret, sign, signature_header, signed_headers, verify
from workers.webhook_transport import Attempt, send

__all__ = [
    "Attempt",
    "DEFAULT_SCHEDULE",
    "Decision",
    "Outcome",
    "RetryPolicy",
    "classify",
    "encode",
    "generate_secret",
    "job_event",
    "next_delay",
    "page_event",
    "parse_allowed_networks",
    "send",
    "sign",
    "signature_header",
    "signed_headers",
    "verify",
]


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
    parser = argparse.ArgumentParser(prog="python -m workers.webhooks", description="docpipe webhook helpers")
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
