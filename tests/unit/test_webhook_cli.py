"""``python -m webhooks verify|sign|generate-secret`` as a receiver would run it."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from webhooks.signing import generate_secret, signed_headers

ROOT = Path(__file__).resolve().parents[2]
BODY = b'{"type":"job.succeeded","data":{"job_id":"j1"}}'


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "webhooks", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def header_args(headers: dict) -> list[str]:
    out = []
    for name, value in headers.items():
        out += ["--header", f"{name}: {value}"]
    return out


@pytest.fixture
def body_file(tmp_path):
    path = tmp_path / "body.json"
    path.write_bytes(BODY)
    return path


def test_verify_ok(body_file):
    secret = generate_secret()
    result = run("verify", "--secret", secret, "--body-file", str(body_file),
                 *header_args(signed_headers(secret, "evt_1", BODY)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "ok"


@pytest.mark.parametrize("change, code", [("body", "invalid_signature"), ("secret", "invalid_signature"),
                                           ("old", "timestamp_out_of_tolerance")])
def test_verify_failures_exit_non_zero_with_the_reason(body_file, change, code):
    secret = generate_secret()
    ts = int(time.time()) - (600 if change == "old" else 0)
    headers = signed_headers(secret, "evt_1", BODY, ts)
    if change == "body":
        body_file.write_bytes(BODY.replace(b"j1", b"j2"))
    if change == "secret":
        secret = generate_secret()
    result = run("verify", "--secret", secret, "--body-file", str(body_file), *header_args(headers))
    assert result.returncode == 1
    assert result.stdout.startswith(code + ":")


def test_sign_then_verify_round_trip(body_file):
    secret = result_secret = run("generate-secret").stdout.strip()
    assert result_secret.startswith("whsec_")
    signed = run("sign", "--secret", secret, "--id", "evt_2", "--body-file", str(body_file))
    assert signed.returncode == 0
    lines = signed.stdout.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["webhook-id", "webhook-timestamp", "webhook-signature"]
    args = [a for line in lines for a in ("--header", line)]
    assert run("verify", "--secret", secret, "--body-file", str(body_file), *args).stdout.strip() == "ok"


def test_malformed_secret_is_reported(body_file):
    result = run("verify", "--secret", "not-a-secret", "--body-file", str(body_file),
                 *header_args(signed_headers(generate_secret(), "evt_1", BODY)))
    assert result.returncode == 2
    assert result.stdout.startswith("invalid_secret:")
