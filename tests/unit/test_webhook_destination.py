"""Where webhooks may go: the SSRF guard on addresses (spellings, ranges, allowlist, every resolved
address checked) and the one callback-URL rule used at submit, registration and send."""
from __future__ import annotations

import ipaddress
import socket

import pytest

from webhooks.destination import (
    check_address,
    check_callback_url,
    forbidden_reason,
    parse_allowed_networks,
    parse_ip_literal,
    resolve_checked,
)
from webhooks.errors import BlockedDestinationError, DnsError, InvalidAllowedNetworksError, InvalidUrlError

LOOPBACK_ONLY = parse_allowed_networks("127.0.0.0/8")


@pytest.mark.parametrize(
    "host, expected",
    [
        ("127.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F000001", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0177.0.0.01", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("169.254.169.254.", "169.254.169.254"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
        ("::1", "::1"),
        ("example.com", None),
        ("hooks.erp.example", None),
        ("0x7f.example", None),
        ("1e100.net", None),
    ],
)
def test_ip_spellings_are_read_as_libc_and_browsers_read_them(host, expected):
    ip = parse_ip_literal(host)
    assert ip == (None if expected is None else ipaddress.ip_address(expected))


@pytest.mark.parametrize("host", ["1.2.3.4.5", "256.0.0.1", "1.2.3.999999999", "08", "1..2", "[::ffff:zz]"])
def test_impossible_addresses_are_invalid_urls(host):
    with pytest.raises(InvalidUrlError):
        parse_ip_literal(host)


@pytest.mark.parametrize(
    "address, reason",
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "link_local"),
        ("fe80::1", "link_local"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("100.64.0.1", "cgnat"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.7", "reserved"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link_local"),
        ("64:ff9b::a9fe:a9fe", "link_local"),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
    ],
)
def test_internal_addresses_are_forbidden(address, reason):
    assert forbidden_reason(ipaddress.ip_address(address)) == reason
    with pytest.raises(BlockedDestinationError) as caught:
        check_address(ipaddress.ip_address(address))
    assert caught.value.code == "blocked_destination"
    assert caught.value.details["reason"] == reason


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "100.128.0.1"])
def test_public_addresses_pass(address):
    ip = ipaddress.ip_address(address)
    assert forbidden_reason(ip) is None
    assert check_address(ip) == ip


def test_mapped_public_address_is_connected_as_ipv4():
    assert check_address(ipaddress.ip_address("::ffff:8.8.8.8")) == ipaddress.ip_address("8.8.8.8")


def test_allowlist_opens_exactly_the_listed_networks():
    assert str(check_address(ipaddress.ip_address("127.0.0.5"), LOOPBACK_ONLY)) == "127.0.0.5"
    assert str(check_address(ipaddress.ip_address("::ffff:127.0.0.1"), LOOPBACK_ONLY)) == "127.0.0.1"
    for other in ("169.254.169.254", "10.0.0.1", "::1"):
        with pytest.raises(BlockedDestinationError):
            check_address(ipaddress.ip_address(other), LOOPBACK_ONLY)
    erp = parse_allowed_networks("10.20.0.0/16")
    assert str(check_address(ipaddress.ip_address("10.20.3.4"), erp)) == "10.20.3.4"
    with pytest.raises(BlockedDestinationError):
        check_address(ipaddress.ip_address("10.21.0.1"), erp)


def test_parse_allowed_networks():
    assert parse_allowed_networks("") == ()
    assert parse_allowed_networks(None) == ()
    nets = parse_allowed_networks(" 127.0.0.0/8 , fd00::/8,10.1.2.3 ,")
    assert [str(n) for n in nets] == ["127.0.0.0/8", "fd00::/8", "10.1.2.3/32"]
    with pytest.raises(InvalidAllowedNetworksError) as caught:
        parse_allowed_networks("127.0.0.0/8,intranet")
    assert caught.value.code == "invalid_allowed_networks"


def _fixed_resolver(*addresses):
    calls = []

    def resolve(host, port, type=0):
        calls.append(host)
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    resolve.calls = calls
    return resolve


def test_every_resolved_address_is_checked():
    mixed = _fixed_resolver("93.184.216.34", "127.0.0.1")
    with pytest.raises(BlockedDestinationError):
        resolve_checked("hooks.example", 443, resolver=mixed)
    public = _fixed_resolver("93.184.216.34", "2606:4700:4700::1111", "93.184.216.34")
    assert [str(a) for a in resolve_checked("hooks.example", 443, resolver=public)] == [
        "93.184.216.34",
        "2606:4700:4700::1111",
    ]
    assert public.calls == ["hooks.example"]


def test_literal_hosts_are_never_resolved():
    resolver = _fixed_resolver("93.184.216.34")
    with pytest.raises(BlockedDestinationError):
        resolve_checked("0x7f000001", 80, resolver=resolver)
    assert resolver.calls == []


def test_localhost_resolves_and_is_refused_unless_allowed():
    with pytest.raises(BlockedDestinationError):
        resolve_checked("localhost", 80)
    allowed = parse_allowed_networks("127.0.0.0/8,::1/128")
    assert all(ipaddress.ip_address(a).is_loopback for a in resolve_checked("localhost", 80, allowed))


def test_unresolvable_name_is_a_dns_error():
    def nowhere(host, port, type=0):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(DnsError) as caught:
        resolve_checked("no-such-host.invalid", 80, resolver=nowhere)
    assert caught.value.code == "dns_error"


@pytest.mark.parametrize("url", ["ftp://erp.example/x", "erp.example/hook", "http:///nohost", "http://erp.example:99999/",
                                 "http://user:pw@erp.example/hook", "https://token@erp.example/hook"])
def test_the_callback_url_rule_refuses_what_cannot_be_called(url):
    with pytest.raises(InvalidUrlError):
        check_callback_url(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1/hook", "http://0x7f000001/", "http://[::1]:8080/", "http://localhost/",
                                 "http://LOCALHOST.:9000/x", "http://api.localhost/", "http://169.254.169.254/latest"])
def test_the_callback_url_rule_refuses_internal_hosts_written_out(url):
    with pytest.raises(BlockedDestinationError):
        check_callback_url(url)


def test_the_callback_url_rule_accepts_names_and_allowed_networks():
    assert check_callback_url("  https://erp.example/hook?x=1 ") == "https://erp.example/hook?x=1"
    assert check_callback_url("http://internal-erp.corp/hook") == "http://internal-erp.corp/hook"  # checked at connect
    assert check_callback_url("http://127.0.0.1:81/", parse_allowed_networks("127.0.0.0/8")) == "http://127.0.0.1:81/"
    with pytest.raises(BlockedDestinationError):  # localhost may mean ::1 as well
        check_callback_url("http://localhost/", parse_allowed_networks("127.0.0.0/8"))
    assert check_callback_url("http://localhost/", parse_allowed_networks("127.0.0.0/8,::1/128")) == "http://localhost/"
