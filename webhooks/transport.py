"""One signed webhook POST, with the SSRF guard applied at connect time.

The URL is parsed by the callback-URL rule, the host resolved once and
every address checked (``destination``); the socket is then opened to a
checked address itself, so nothing resolves the name a second time. TLS still verifies the certificate against the host
name (SNI and hostname check use the name while the TCP connection goes to
the pinned IP). Redirects are never followed and proxies from the
environment are never used: both would send the request somewhere the
guard did not check. One deadline covers resolve, connect, TLS, sending and
reading; a watchdog shuts the socket at the deadline, so a receiver that
trickles bytes cannot stretch an attempt past it.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from webhooks.destination import (
    IPAddress,
    IPNetwork,
    Resolver,
    parse_allowed_networks,
    parse_callback_url,
    resolve_checked,
)
from webhooks.errors import WebhookError
from webhooks.retry import RETRY_AFTER_STATUSES, parse_retry_after
from webhooks.signing import signed_headers

DEFAULT_TIMEOUT = 15.0
USER_AGENT = "docpipe-webhooks/1"
_EXCERPT_BYTES = 512  # of the receiver's answer, kept for the delivery log


@dataclass(frozen=True)
class Attempt:
    """What one POST did; ``error`` is a stable code, None when the receiver answered 2xx."""

    status_code: int | None
    latency_ms: int
    error: str | None
    retry_after: float | None = None  # seconds, from Retry-After on 429/503
    message: str | None = None
    remote_ip: str | None = None
    location: str | None = None  # a 3xx answer's Location, recorded, never followed
    response_excerpt: str | None = None

    @property
    def delivered(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


class _Deadline:
    def __init__(self, seconds: float):
        self.start = time.monotonic()
        self.end = self.start + seconds

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise socket.timeout("deadline reached")
        return left

    def elapsed_ms(self) -> int:
        return int(round((time.monotonic() - self.start) * 1000))


class _Watchdog:
    """Shuts a socket at the deadline; blocked reads then return at once."""

    def __init__(self, sock: socket.socket, seconds: float):
        self.fired = False
        self._sock = sock
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        """Follow the socket that replaced the watched one (TLS wrapping detaches the plain one)."""
        with self._lock:
            self._sock = sock
            if self.fired:
                self._shutdown()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shutdown()

    def _shutdown(self) -> None:
        try:
            # The plain socket's shutdown, also for an SSLSocket: it only needs the fd.
            socket.socket.shutdown(self._sock, socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        self._timer.cancel()


def _open_socket(ip: IPAddress, port: int, deadline: _Deadline) -> socket.socket:
    # AI_NUMERICHOST: turn the checked IP into a socket address without any DNS lookup.
    family = socket.AF_INET6 if isinstance(ip, ipaddress.IPv6Address) else socket.AF_INET
    infos = socket.getaddrinfo(str(ip), port, family, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)
    fam, kind, proto, _, sockaddr = infos[0]
    sock = socket.socket(fam, kind, proto)
    try:
        sock.settimeout(deadline.remaining())
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


def _connect_any(addresses: list[IPAddress], port: int, deadline: _Deadline) -> tuple[socket.socket, IPAddress]:
    """Connect to the first checked address that accepts (a name may have several)."""
    last: OSError | None = None
    for ip in addresses:
        try:
            return _open_socket(ip, port, deadline), ip
        except socket.timeout:
            raise
        except OSError as exc:
            last = exc
    assert last is not None
    raise last


def _headers(secrets: str | Iterable[str], event_id: str, body: bytes, timestamp: int | None) -> dict:
    headers = signed_headers(secrets, event_id, body, timestamp)
    headers["Content-Type"] = "application/json"
    headers["User-Agent"] = USER_AGENT
    return headers


def send(
    url: str,
    secrets: str | Iterable[str],
    event_id: str,
    body: bytes,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    allowed_networks: str | Iterable[str | IPNetwork] | None = None,
    timestamp: int | None = None,
    resolver: Resolver | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> Attempt:
    """POST ``body`` to ``url`` once, signed with every secret; never raises for a failed delivery.

    ``allowed_networks`` is the comma-separated CIDR list (or parsed
    networks) of DOCPIPE_WEBHOOK_ALLOWED_NETWORKS. ``timestamp`` defaults to
    now: each attempt is signed afresh, so a retry hours later still passes
    a receiver's 5-minute freshness check while ``webhook-id`` stays the same.
    """
    deadline = _Deadline(timeout)
    remote: IPAddress | None = None

    def failed(code: str, message: str, **extra) -> Attempt:
        return Attempt(
            None, deadline.elapsed_ms(), code, message=message,
            remote_ip=str(remote) if remote else None, **extra,
        )

    try:
        target = parse_callback_url(url)
        headers = _headers(secrets, event_id, bytes(body), timestamp)
        addresses = resolve_checked(
            target.host, target.port, parse_allowed_networks(allowed_networks), resolver=resolver
        )
        sock, remote = _connect_any(addresses, target.port, deadline)
    except WebhookError as exc:
        return failed(exc.code, exc.message)
    except socket.timeout:
        return failed("timeout", f"no connection within {timeout:g} s")
    except OSError as exc:
        return failed("connection_error", f"could not connect: {exc.strerror or exc}")

    watchdog = _Watchdog(sock, deadline.end - time.monotonic())
    conn: http.client.HTTPConnection | None = None
    try:
        if target.scheme == "https":
            context = ssl_context or ssl.create_default_context()
            sock = context.wrap_socket(sock, server_hostname=target.host, do_handshake_on_connect=False)
            watchdog.watch(sock)
            sock.settimeout(deadline.remaining())
            sock.do_handshake()
        conn = http.client.HTTPConnection(target.host, target.port, timeout=deadline.remaining())
        conn.sock = sock  # already connected to the checked IP: http.client will not resolve or connect
        conn.request("POST", target.path, body=bytes(body), headers=headers)
        sock.settimeout(deadline.remaining())
        response = conn.getresponse()
        excerpt = response.read(_EXCERPT_BYTES)
        watchdog.cancel()
        if watchdog.fired:
            # The shutdown can look like a clean end of headers to http.client: not an answer.
            return failed("timeout", f"no complete answer within {timeout:g} s")
        status = response.status
        location = response.getheader("Location")
        retry_after = parse_retry_after(response.getheader("Retry-After")) if status in RETRY_AFTER_STATUSES else None
    except ssl.SSLError as exc:
        if watchdog.fired:
            return failed("timeout", f"no answer within {timeout:g} s")
        detail = getattr(exc, "verify_message", None)  # e.g. "self-signed certificate", "Hostname mismatch"
        return failed("tls_error", f"TLS failed: {exc.reason or exc}" + (f" ({detail})" if detail else ""))
    except (socket.timeout, TimeoutError):
        return failed("timeout", f"no answer within {timeout:g} s")
    except (http.client.HTTPException, OSError) as exc:
        if watchdog.fired:
            return failed("timeout", f"no answer within {timeout:g} s")
        code = "protocol_error" if isinstance(exc, http.client.HTTPException) else "connection_error"
        return failed(code, f"{type(exc).__name__}: {exc}")
    finally:
        watchdog.cancel()
        if conn is not None:
            conn.close()
        else:
            sock.close()

    if 200 <= status < 300:
        error, message = None, None
    elif 300 <= status < 400:
        error, message = "redirect_not_followed", f"receiver answered {status}; redirects are not followed"
    else:
        error, message = "http_error", f"receiver answered {status}"
    return Attempt(
        status,
        deadline.elapsed_ms(),
        error,
        retry_after=retry_after,
        message=message,
        remote_ip=str(remote),
        location=location if 300 <= status < 400 else None,
        response_excerpt=excerpt.decode("utf-8", "replace") or None,
    )
