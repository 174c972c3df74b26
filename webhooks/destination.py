"""Where a webhook may be sent: the callback-URL rule and the server-side request forgery guard.

``check_callback_url`` is the one rule for a URL a tenant gives (a job's or
batch's ``callback_url`` at submit, an endpoint's ``url`` at registration),
and the transport parses with the same rule before each attempt: an
absolute http(s) URL with a host and a valid port, and no user name or
password (credentials in a URL end up in logs; receivers check the
signature instead). A host written as an address, or the special name
``localhost``, must pass the guard below already; other names are checked
when each attempt connects, since their addresses can change.

A tenant chooses the callback URL, so without this guard docpipe would POST
wherever it is told: the cloud metadata service, the database, an admin
port on loopback. The guard works on addresses, not names: a host is
resolved once, every address it resolves to is checked, and the transport
then connects to exactly those checked addresses, so a DNS answer that
changes between the check and the connection (rebinding) cannot slip past.

Loopback, link-local, private, shared (CGNAT), multicast, reserved and
unspecified addresses are refused unless an operator lists their network
in DOCPIPE_WEBHOOK_ALLOWED_NETWORKS (on-premises ERPs often live in
private ranges). IPv4 spellings that URL parsers and libc accept
(``0x7f000001``, ``2130706433``, ``017700000001``, ``127.1``) and IPv4
addresses wrapped in IPv6 (``::ffff:127.0.0.1``, NAT64, 6to4) are reduced to
the IPv4 address they mean before the check.
"""
from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from webhooks.errors import BlockedDestinationError, DnsError, InvalidAllowedNetworksError, InvalidUrlError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[..., list]

# Named explicitly, so a refusal says why; `is_global` below catches what this list misses.
_FORBIDDEN: tuple[tuple[str, IPNetwork], ...] = tuple(
    (reason, ipaddress.ip_network(cidr))
    for reason, cidr in (
        ("unspecified", "0.0.0.0/8"),
        ("private", "10.0.0.0/8"),
        ("cgnat", "100.64.0.0/10"),
        ("loopback", "127.0.0.0/8"),
        ("link_local", "169.254.0.0/16"),
        ("private", "172.16.0.0/12"),
        ("reserved", "192.0.0.0/24"),
        ("reserved", "192.0.2.0/24"),
        ("reserved", "192.88.99.0/24"),
        ("private", "192.168.0.0/16"),
        ("reserved", "198.18.0.0/15"),
        ("reserved", "198.51.100.0/24"),
        ("reserved", "203.0.113.0/24"),
        ("multicast", "224.0.0.0/4"),
        ("reserved", "240.0.0.0/4"),
        ("unspecified", "::/128"),
        ("loopback", "::1/128"),
        ("reserved", "100::/64"),
        ("reserved", "2001:db8::/32"),
        ("private", "fc00::/7"),
        ("link_local", "fe80::/10"),
        ("reserved", "fec0::/10"),
        ("multicast", "ff00::/8"),
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def parse_allowed_networks(spec: str | Iterable[str | IPNetwork] | None) -> tuple[IPNetwork, ...]:
    """``"127.0.0.0/8, 10.1.0.0/16"`` → networks; an empty string allows nothing extra."""
    if spec is None:
        return ()
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    networks = []
    for item in items:
        if isinstance(item, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
            networks.append(item)
            continue
        text = item.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise InvalidAllowedNetworksError(
                f"{text!r} is not a network in CIDR form (like 10.0.0.0/8 or fd00::/8)",
                details={"value": text},
            ) from None
    return tuple(networks)


def _ipv4_number(part: str) -> int | None:
    """One dotted part as inet_aton / the WHATWG URL parser read it: 0x.. hex, 0.. octal, else decimal."""
    try:
        if part[:2].lower() == "0x":
            return int(part[2:], 16) if part[2:] else 0
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:
        return None


def _looks_numeric(part: str) -> bool:
    if part[:2].lower() == "0x":
        return all(c in "0123456789abcdefABCDEF" for c in part[2:])
    return part.isdigit()


def parse_ipv4_spelling(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a host means if it is any numeric spelling, else None (a name)."""
    parts = host.split(".")
    if parts and parts[-1] == "" and len(parts) > 1:
        parts = parts[:-1]  # a trailing dot changes nothing
    if not parts or not parts[-1] or not _looks_numeric(parts[-1]):
        return None  # a DNS name: its last label is not a number
    numbers = [_ipv4_number(p) if p else None for p in parts]
    if len(parts) > 4 or any(n is None for n in numbers):
        raise InvalidUrlError(f"{host!r} is neither a host name nor an IPv4 address")
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        raise InvalidUrlError(f"{host!r} is out of range for an IPv4 address")
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a URL host names directly (any spelling), or None when it is a name to resolve."""
    host = host.strip("[]")
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise InvalidUrlError(f"{host!r} is not a valid IPv6 address") from None
    return parse_ipv4_spelling(host)


def unwrap(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4), else the address itself."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.sixtofour is not None:
            return ip.sixtofour
    return ip


def forbidden_reason(ip: IPAddress) -> str | None:
    """Why this address is not a public destination, or None if it is one."""
    inner = unwrap(ip)
    # A mapped address is only ever its IPv4 self; NAT64/6to4 must pass as both.
    mapped = isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None
    for candidate in (inner,) if mapped else (ip, inner):
        for reason, network in _FORBIDDEN:
            if candidate.version == network.version and candidate in network:
                return reason
        if not candidate.is_global:
            return "reserved"
    return None


def check_address(ip: IPAddress, allowed: Iterable[IPNetwork] = ()) -> IPAddress:
    """Return the address to connect to, or raise BlockedDestinationError."""
    target = unwrap(ip) if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped else ip
    reason = forbidden_reason(ip)
    if reason is None:
        return target
    if any(target.version == n.version and target in n for n in allowed):
        return target
    raise BlockedDestinationError(
        f"webhooks may not be sent to {ip} ({reason.replace('_', '-')} address); "
        "list its network in DOCPIPE_WEBHOOK_ALLOWED_NETWORKS to allow it",
        details={"address": str(ip), "reason": reason},
    )


def resolve_checked(
    host: str,
    port: int,
    allowed: Iterable[IPNetwork] = (),
    *,
    resolver: Resolver | None = None,
) -> list[IPAddress]:
    """Every address of ``host``, each checked; refuses if any one of them is forbidden.

    Refusing the whole name (rather than skipping its bad addresses) keeps a
    name that mixes a public and an internal address from being used to
    reach the internal one by making the public one fail.
    """
    allowed = tuple(allowed)
    literal = parse_ip_literal(host)
    if literal is not None:
        return [check_address(literal, allowed)]
    resolve = resolver or socket.getaddrinfo
    try:
        infos = resolve(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DnsError(f"{host!r} does not resolve: {exc}", details={"host": host}) from None
    addresses: list[IPAddress] = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise DnsError(f"{host!r} resolved to no address", details={"host": host})
    checked: list[IPAddress] = []
    for ip in addresses:
        target = check_address(ip, allowed)
        if target not in checked:
            checked.append(target)
    return checked


# RFC 6761: these names are loopback whatever a resolver says, so they are checked like addresses.
_LOOPBACK_NAMES = (ipaddress.IPv4Address("127.0.0.1"), ipaddress.IPv6Address("::1"))


@dataclass(frozen=True)
class CallbackTarget:
    scheme: str
    host: str  # ASCII (IDNA) form, no brackets
    port: int
    path: str  # with the query, "/" when empty


def parse_callback_url(url: str, subject: str = "the callback URL") -> CallbackTarget:
    """The parts of a callback URL that the rule accepts; InvalidUrlError says what is wrong with ``subject``."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidUrlError(f"{subject} cannot be parsed: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidUrlError(f"{subject} must be an absolute http(s) URL")
    if parts.username is not None or parts.password is not None:
        raise InvalidUrlError(f"{subject} must not carry a user name or password; receivers check the signature")
    try:
        host = parts.hostname.encode("idna").decode("ascii") if not parts.hostname.isascii() else parts.hostname
    except UnicodeError:
        raise InvalidUrlError(f"{subject} has no valid host name ({parts.hostname!r})") from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return CallbackTarget(parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path)


def check_callback_url(url: str, allowed: Iterable[IPNetwork] = (), subject: str = "the callback URL") -> str:
    """The URL (stripped) if the rule accepts it; else InvalidUrlError or BlockedDestinationError."""
    url = url.strip()
    host = parse_callback_url(url, subject).host
    allowed = tuple(allowed)
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        for ip in _LOOPBACK_NAMES:
            check_address(ip, allowed)
        return url
    literal = parse_ip_literal(host)
    if literal is not None:
        check_address(literal, allowed)
    return url
