"""Webhook delivery against real HTTP receivers on 127.0.0.x (threaded servers started here).

Nothing here leaves the machine: every receiver binds a loopback address on
a free port, and an audit hook fails any test that tries to open a TCP
connection to a non-loopback address (so a broken SSRF guard shows up as a
failing test, not as traffic to 169.254.169.254).
"""
from __future__ import annotations

import ipaddress
import json
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import standardwebhooks

from webhooks.errors import SignatureMismatchError, TimestampOutOfToleranceError
from webhooks.events import encode, job_event
from webhooks.retry import Outcome, RetryPolicy
from webhooks.signing import generate_secret, verify
from webhooks.transport import send

pytestmark = pytest.mark.integration

LOOPBACK = "127.0.0.0/8"
BODY = encode(job_event(
    {"id": "job_1", "status": "succeeded", "pages_total": 2, "pages_done": 2, "pages_failed": 0,
     "confidence": 0.97, "external_ref": "PO-1"},
    base_url="https://docpipe.example", occurred_at="2026-11-23T22:00:00Z",
))

# --- the non-loopback tripwire -------------------------------------------------------------
_tripwire = {"armed": False}


def _audit(event: str, args: tuple) -> None:
    if event != "socket.connect" or not _tripwire["armed"]:
        return
    address = args[1]
    if isinstance(address, tuple) and address:
        try:
            ip = ipaddress.ip_address(str(address[0]).split("%", 1)[0])
        except ValueError:
            return
        if not ip.is_loopback:
            raise RuntimeError(f"test tried to connect to non-loopback address {ip}")


sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def no_traffic_off_this_machine():
    _tripwire["armed"] = True
    yield
    _tripwire["armed"] = False


# --- a scriptable receiver -----------------------------------------------------------------
@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    at: float


def answer(status: int, headers: dict | None = None, body: bytes = b"ok"):
    def act(handler: BaseHTTPRequestHandler, receiver: "Receiver") -> None:
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return act


def hang(handler: BaseHTTPRequestHandler, receiver: "Receiver") -> None:
    receiver.release.wait(30)


def trickle_headers(handler: BaseHTTPRequestHandler, receiver: "Receiver") -> None:
    # Each byte arrives well inside a per-read timeout; only a total deadline cuts this.
    handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
    handler.wfile.flush()
    for _ in range(300):
        if receiver.release.wait(0.1):
            return
        handler.wfile.write(b"X")
        handler.wfile.flush()


class Receiver:
    def __init__(self, script=(), host: str = "127.0.0.1", tls: ssl.SSLContext | None = None):
        self.requests: list[Received] = []
        self.script = list(script)
        self.release = threading.Event()
        self.sni: list[str | None] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic())
                )
                action = receiver.script.pop(0) if receiver.script else answer(200)
                try:
                    action(self, receiver)
                except OSError:
                    pass  # the sender gave up first: that is the point of some tests

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass

        self.server = Server((host, 0), Handler)
        if tls is not None:
            tls.sni_callback = lambda sock, name, ctx: self.sni.append(name)
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.host, self.port = self.server.server_address[:2]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str = "/hook", host: str | None = None, scheme: str = "http") -> str:
        return f"{scheme}://{host or self.host}:{self.port}{path}"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers():
    made: list[Receiver] = []

    def make(*script, **kwargs) -> Receiver:
        made.append(Receiver(script, **kwargs))
        return made[-1]

    yield make
    for r in made:
        r.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fixed_resolver(*addresses: str):
    calls: list[str] = []

    def resolve(host, port, type=0):
        calls.append(host)
        answer_now = addresses[min(len(calls), len(addresses)) - 1]
        ips = answer_now if isinstance(answer_now, tuple) else (answer_now,)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in ips]

    resolve.calls = calls
    return resolve


# --- signing, verified by the reference library --------------------------------------------
def test_signed_post_is_verified_by_standardwebhooks(receivers):
    r = receivers()
    secret = generate_secret()
    attempt = send(r.url("/hook?tenant=t1"), secret, "evt_sig", BODY, allowed_networks=LOOPBACK)
    assert attempt.delivered and attempt.status_code == 200 and attempt.error is None
    assert 0 <= attempt.latency_ms < 2000 and attempt.remote_ip == "127.0.0.1"
    assert attempt.response_excerpt == "ok"
    [got] = r.requests
    assert got.path == "/hook?tenant=t1" and got.body == BODY
    assert got.headers["content-type"] == "application/json"
    assert got.headers["host"] == f"127.0.0.1:{r.port}"
    assert got.headers["webhook-id"] == "evt_sig"

    assert standardwebhooks.Webhook(secret).verify(got.body, got.headers)["data"]["job_id"] == "job_1"
    verify(secret, got.headers, got.body)

    tampered = got.body.replace(b"PO-1", b"PO-2")
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook(secret).verify(tampered, got.headers)
    with pytest.raises(SignatureMismatchError):
        verify(secret, got.headers, tampered)
    other = generate_secret()
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook(other).verify(got.body, got.headers)
    with pytest.raises(SignatureMismatchError):
        verify(other, got.headers, got.body)


def test_ten_minute_old_timestamp_is_rejected(receivers):
    r = receivers()
    secret = generate_secret()
    send(r.url(), secret, "evt_old", BODY, allowed_networks=LOOPBACK, timestamp=int(time.time()) - 600)
    [got] = r.requests
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError, match="too old"):
        standardwebhooks.Webhook(secret).verify(got.body, got.headers)
    with pytest.raises(TimestampOutOfToleranceError):
        verify(secret, got.headers, got.body)


def test_rotation_sends_both_signatures(receivers):
    r = receivers()
    old, new = generate_secret(), generate_secret()
    assert send(r.url(), [old, new], "evt_rot", BODY, allowed_networks=LOOPBACK).delivered
    [got] = r.requests
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    standardwebhooks.Webhook(old).verify(got.body, got.headers)
    standardwebhooks.Webhook(new).verify(got.body, got.headers)


# --- retries ---------------------------------------------------------------------------------
def deliver_with_retries(url: str, secret: str, event_id: str, policy: RetryPolicy, **send_args):
    """What the webhook worker's loop does, minus the database: send, decide, wait, repeat."""
    attempts, decisions, attempt_no = [], [], 0
    while True:
        attempt_no += 1
        attempt = send(url, secret, event_id, BODY, **send_args)
        decision = policy.decide(attempt.status_code, attempt.error, attempt_no, retry_after=attempt.retry_after)
        attempts.append(attempt)
        decisions.append(decision)
        if decision.outcome is not Outcome.RETRY:
            return attempts, decisions
        time.sleep(decision.delay)


def test_500_three_times_then_200_is_four_attempts_with_one_id(receivers):
    r = receivers(answer(500), answer(500), answer(500), answer(200))
    secret = generate_secret()
    policy = RetryPolicy(scale=0.001)  # 0 s, 5 ms, 300 ms, 1.8 s
    attempts, decisions = deliver_with_retries(r.url(), secret, "evt_retry", policy, allowed_networks=LOOPBACK)
    assert [a.status_code for a in attempts] == [500, 500, 500, 200]
    assert decisions[-1].outcome is Outcome.DELIVERED
    assert len(r.requests) == 4
    assert {got.headers["webhook-id"] for got in r.requests} == {"evt_retry"}
    for got in r.requests:  # each attempt is freshly signed and verifiable
        standardwebhooks.Webhook(secret).verify(got.body, got.headers)
    gaps = [b.at - a.at for a, b in zip(r.requests, r.requests[1:])]
    for gap, scheduled in zip(gaps, (0.005, 0.3, 1.8)):
        assert gap >= scheduled * 0.9


def test_a_receiver_that_always_fails_gets_eight_attempts_then_gives_up(receivers):
    r = receivers(*[answer(503)] * 20)
    policy = RetryPolicy(scale=0.00002)  # the whole ~27.6 h schedule in ~2 s
    attempts, decisions = deliver_with_retries(r.url(), generate_secret(), "evt_dead", policy, allowed_networks=LOOPBACK)
    assert len(attempts) == len(r.requests) == 8
    assert decisions[-1].outcome is Outcome.GIVE_UP


def test_retry_after_on_429_delays_the_next_attempt(receivers):
    r = receivers(answer(429, {"Retry-After": "1"}), answer(200))
    policy = RetryPolicy(scale=0.001)  # would retry after 5 ms without the header
    attempts, _ = deliver_with_retries(r.url(), generate_secret(), "evt_429", policy, allowed_networks=LOOPBACK)
    assert attempts[0].retry_after == 1.0 and attempts[1].delivered
    assert r.requests[1].at - r.requests[0].at >= 1.0


def test_410_disables_the_endpoint_after_one_attempt(receivers):
    r = receivers(answer(410))
    attempts, decisions = deliver_with_retries(r.url(), generate_secret(), "evt_gone", RetryPolicy(scale=0.001),
                                               allowed_networks=LOOPBACK)
    assert len(attempts) == 1 and decisions[0].outcome is Outcome.DISABLE_ENDPOINT


# --- timeouts and failures -----------------------------------------------------------------------
def test_a_hanging_receiver_is_cut_at_the_timeout(receivers):
    r = receivers(hang)
    attempt = send(r.url(), generate_secret(), "evt_hang", BODY, allowed_networks=LOOPBACK, timeout=1.0)
    assert attempt.error == "timeout" and attempt.status_code is None
    assert 950 <= attempt.latency_ms < 2500
    assert len(r.requests) == 1


def test_a_receiver_trickling_bytes_is_cut_at_the_total_timeout(receivers):
    r = receivers(trickle_headers)
    started = time.monotonic()
    attempt = send(r.url(), generate_secret(), "evt_trickle", BODY, allowed_networks=LOOPBACK, timeout=1.5)
    assert attempt.error == "timeout"
    assert time.monotonic() - started < 3.0


def test_a_tls_handshake_that_never_completes_is_cut_at_the_timeout():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()  # the kernel completes TCP; nobody ever answers the ClientHello
        port = listener.getsockname()[1]
        attempt = send(f"https://127.0.0.1:{port}/", generate_secret(), "evt_tls_hang", BODY,
                       allowed_networks=LOOPBACK, timeout=1.0)
    assert attempt.error == "timeout"
    assert 950 <= attempt.latency_ms < 2500


def test_nothing_listening_is_a_connection_error():
    attempt = send(f"http://127.0.0.1:{free_port()}/", generate_secret(), "evt_x", BODY, allowed_networks=LOOPBACK)
    assert attempt.error == "connection_error" and attempt.status_code is None


# --- redirects -----------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_to_another_host_is_not_followed(receivers, status):
    elsewhere = receivers(host="127.0.0.2")
    r = receivers(answer(status, {"Location": elsewhere.url("/stolen")}))
    attempt = send(r.url(), generate_secret(), "evt_redir", BODY, allowed_networks=LOOPBACK)
    assert attempt.status_code == status and attempt.error == "redirect_not_followed"
    assert attempt.location == elsewhere.url("/stolen")
    assert not attempt.delivered
    assert len(r.requests) == 1 and elsewhere.requests == []


# --- the SSRF guard at connect time --------------------------------------------------------------
BLOCKED_LOOPBACK_SPELLINGS = ["[::ffff:127.0.0.1]", "0x7f000001", "2130706433", "017700000001", "127.1", "localhost",
                              "127.0.0.1", "[::1]", "0"]


@pytest.mark.parametrize("host", BLOCKED_LOOPBACK_SPELLINGS)
@pytest.mark.parametrize("allowed", [None, "", "10.0.0.0/8"])
def test_loopback_in_any_spelling_is_refused_unless_allowed(receivers, host, allowed):
    r = receivers()
    attempt = send(r.url(host=host), generate_secret(), "evt_ssrf", BODY, allowed_networks=allowed)
    assert attempt.error == "blocked_destination" and attempt.status_code is None
    assert r.requests == []


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://10.0.0.1/",
                                 "http://192.168.1.1:8080/", "http://100.64.0.1/", "http://[fd00::1]/",
                                 "http://224.0.0.1/", "http://[::ffff:169.254.169.254]/", "http://0xa9fea9fe/"])
def test_internal_ranges_are_refused_even_with_loopback_allowed(url):
    attempt = send(url, generate_secret(), "evt_ssrf", BODY, allowed_networks=LOOPBACK)
    assert attempt.error == "blocked_destination"
    assert attempt.latency_ms < 1000  # refused before any connection attempt


@pytest.mark.parametrize("host", ["[::ffff:127.0.0.1]", "0x7f000001", "2130706433", "017700000001", "127.1",
                                  "127.0.0.1", "localhost"])
def test_loopback_is_reached_when_listed(receivers, host):
    r = receivers()
    allowed = LOOPBACK + ",::1/128" if host == "localhost" else LOOPBACK
    attempt = send(r.url(host=host), generate_secret(), "evt_ok", BODY, allowed_networks=allowed)
    assert attempt.delivered, attempt
    assert len(r.requests) == 1 and attempt.remote_ip == "127.0.0.1"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/", "file:///etc/passwd", "gopher://127.0.0.1:70/", "127.0.0.1/hook",
                                 "http://user:pw@127.0.0.1/", "http:///nohost", "http://127.0.0.1:99999/"])
def test_only_plain_http_urls_are_called(url):
    attempt = send(url, generate_secret(), "evt_url", BODY, allowed_networks=LOOPBACK)
    assert attempt.error == "invalid_url" and attempt.status_code is None


def test_dns_is_resolved_once_and_the_checked_address_is_the_one_connected(receivers):
    r = receivers()
    # Rebinding: first answer loopback (allowed), every later answer the metadata service.
    rebinding = fixed_resolver("127.0.0.1", "169.254.169.254")
    attempt = send(r.url(host="hooks.erp.test"), generate_secret(), "evt_dns", BODY,
                   allowed_networks=LOOPBACK, resolver=rebinding)
    assert attempt.delivered and attempt.remote_ip == "127.0.0.1"
    assert rebinding.calls == ["hooks.erp.test"]
    assert r.requests[0].headers["host"] == f"hooks.erp.test:{r.port}"


def test_a_name_with_any_forbidden_address_is_refused(receivers):
    r = receivers()
    mixed = fixed_resolver(("127.0.0.1", "169.254.169.254"))
    attempt = send(r.url(host="hooks.erp.test"), generate_secret(), "evt_dns", BODY,
                   allowed_networks=LOOPBACK, resolver=mixed)
    assert attempt.error == "blocked_destination" and r.requests == []


def test_a_dead_first_address_falls_through_to_the_next_checked_one(receivers):
    r = receivers()
    two = fixed_resolver(("127.0.0.3", "127.0.0.1"))  # nothing listens on 127.0.0.3 at this port
    attempt = send(r.url(host="hooks.erp.test"), generate_secret(), "evt_two", BODY,
                   allowed_networks=LOOPBACK, resolver=two)
    assert attempt.delivered and attempt.remote_ip == "127.0.0.1"


# --- TLS: certificate checked against the name while connected to the pinned IP ----------------
@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("the openssl command is needed to make a test certificate (Debian package: openssl)")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=hooks.erp.test",
         "-addext", "subjectAltName=DNS:hooks.erp.test"],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


def tls_receiver(receivers, certificate, *script):
    cert, key = certificate
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    return receivers(*script, tls=server_ctx)


def test_https_verifies_the_certificate_for_the_name_while_pinned_to_the_ip(receivers, certificate):
    r = tls_receiver(receivers, certificate)
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    secret = generate_secret()
    attempt = send(r.url(host="hooks.erp.test", scheme="https"), secret, "evt_tls", BODY,
                   allowed_networks=LOOPBACK, resolver=fixed_resolver("127.0.0.1"), ssl_context=trust)
    assert attempt.delivered, attempt
    assert r.sni == ["hooks.erp.test"]
    [got] = r.requests
    assert got.headers["host"] == f"hooks.erp.test:{r.port}"
    standardwebhooks.Webhook(secret).verify(got.body, got.headers)


def test_https_with_a_certificate_for_another_name_fails(receivers, certificate):
    r = tls_receiver(receivers, certificate)
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    attempt = send(r.url(host="other.erp.test", scheme="https"), generate_secret(), "evt_tls", BODY,
                   allowed_networks=LOOPBACK, resolver=fixed_resolver("127.0.0.1"), ssl_context=trust)
    assert attempt.error == "tls_error" and r.requests == []


def test_https_with_an_untrusted_certificate_fails(receivers, certificate):
    r = tls_receiver(receivers, certificate)
    attempt = send(r.url(host="hooks.erp.test", scheme="https"), generate_secret(), "evt_tls", BODY,
                   allowed_networks=LOOPBACK, resolver=fixed_resolver("127.0.0.1"))
    assert attempt.error == "tls_error" and "CERTIFICATE_VERIFY_FAILED" in attempt.message
    assert r.requests == []
