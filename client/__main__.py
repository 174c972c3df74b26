"""``python -m client bulk SRC_DIR OUT_DIR ...``: digitize a directory tree through the docpipe API.

Exit status: 0 when every document succeeded (skipped non-documents are fine),
1 when any file failed, ended partial or is incomplete, 2 for bad arguments,
3 when the API cannot be used at all (unreachable, key refused), 130 when interrupted.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from client.bulk import DEFAULT_FORMATS, BulkOptions, BulkRunner
from client.errors import TransportError, Unauthorized
from client.http_api import RESULT_FORMATS, Client
from client.retry import RetryPolicy

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNAVAILABLE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _formats(value: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in RESULT_FORMATS]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(
            f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {','.join(RESULT_FORMATS)}"
        )
    return formats


def _confidence(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError("--min-confidence is between 0 and 1")
    return number


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m client", description="docpipe API client")
    commands = parser.add_subparsers(dest="command", required=True)
    bulk = commands.add_parser(
        "bulk",
        help="OCR every document under SRC_DIR and mirror the results into OUT_DIR (resumable)",
    )
    bulk.add_argument("src_dir", type=Path, metavar="SRC_DIR")
    bulk.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    bulk.add_argument("--url", default="http://127.0.0.1:5000", help="API base URL")
    bulk.add_argument(
        "--api-key", default=None, help="API key (default: $DOCPIPE_API_KEY; keeps the key out of `ps`)"
    )
    bulk.add_argument(
        "--formats", type=_formats, default=DEFAULT_FORMATS, help=f"comma-separated, of {','.join(RESULT_FORMATS)}"
    )
    bulk.add_argument("--concurrency", type=_positive, default=BulkOptions.concurrency,
                      help="jobs in flight at once (enough to keep the server's workers busy and to fill group submits)")
    bulk.add_argument("--mode", default="auto", choices=("auto", "ocr", "text"))
    bulk.add_argument("--pages", default=None, help="page range for every file, e.g. 1-3")
    bulk.add_argument("--extract", default=None, choices=("invoice",),
                      help="also read each file's invoice fields: OUT/<path>.fields.json, key fields in "
                           "manifest.csv, fields.csv and fields.xlsx for the run")
    bulk.add_argument(
        "--retry-failed", action="store_true", help="submit files whose job failed, ended partial or was refused again"
    )
    bulk.add_argument(
        "--min-confidence", type=_confidence, default=0.8, help="pages below it are counted in the manifest"
    )
    bulk.add_argument("--poll", type=float, default=1.0, help="seconds between status polls (Retry-After wins)")
    bulk.add_argument("--job-timeout", type=float, default=None, help="give up waiting on one job after N s")
    bulk.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def run_bulk(args: argparse.Namespace) -> int:
    if not args.src_dir.is_dir():
        print(f"error: {args.src_dir} is not a directory", file=sys.stderr)
        return EXIT_USAGE
    api_key = args.api_key or os.environ.get("DOCPIPE_API_KEY") or None
    options = BulkOptions(
        src_dir=args.src_dir,
        out_dir=args.out_dir,
        formats=args.formats,
        concurrency=args.concurrency,
        mode=args.mode,
        pages=args.pages,
        retry_failed=args.retry_failed,
        min_confidence=args.min_confidence,
        poll_s=args.poll,
        job_timeout_s=args.job_timeout,
        show_progress=not args.no_progress,
        extract=args.extract,
    )
    # A bulk run is unattended: ride out a busy or restarting API for minutes, not seconds.
    retry = RetryPolicy(max_attempts=12, base_delay_s=1.0, max_delay_s=60.0)
    with Client(args.url, api_key, retry=retry, pool_size=max(10, args.concurrency + 2)) as client:
        try:
            summary = BulkRunner(client, options).run()
        except Unauthorized as exc:
            print(f"error: the API refused the key: {exc}", file=sys.stderr)
            return EXIT_UNAVAILABLE
        except TransportError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_UNAVAILABLE
        except KeyboardInterrupt:
            print("interrupted before any job was sent; run again to continue", file=sys.stderr)
            return EXIT_INTERRUPTED
        except OSError as exc:
            # OUT_DIR unwritable or the disk full: the state file keeps what was done; fix and rerun.
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_FAILED
    print(summary.line())
    if summary.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if summary.ok else EXIT_FAILED


def _stop_on_sigterm(signum, frame) -> None:
    # Treated like Ctrl-C: in-flight work stops at its next step and the manifest is still written.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    if args.command == "bulk":
        return run_bulk(args)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
