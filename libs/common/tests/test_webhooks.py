"""leadgen_common.webhooks: which URLs may receive webhooks (SSRF), signing, backoff."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

import pytest
from leadgen_common.webhooks import (
    UnsafeUrl,
    backoff_s,
    check_url,
    forbidden_reason,
    is_success,
    new_secret,
    parse_url,
    resolve_target,
    signature,
    signed_headers,
    verify,
)


def fixed(*addresses: str):
    """A resolver answering ``addresses`` for any name (the real one for the rest)."""

    async def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


# --- URLs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://hooks.example.com/x", "scheme must be https"),
        ("ftp://hooks.example.com/x", "scheme must be https"),
        ("javascript:alert(1)", "scheme must be https"),
        ("https://user:pw@hooks.example.com/x", "credentials"),
        ("https://user@hooks.example.com/x", "credentials"),
        ("https:///x", "no host"),
        ("https://hooks.example.com/x#frag", "fragment"),
        ("https://127.0.0.1/x", "loopback"),
        ("https://10.1.2.3/x", "private"),
        ("https://192.168.0.10/x", "private"),
        ("https://172.16.5.4/x", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),  # cloud metadata
        ("https://100.64.0.1/x", "reserved"),  # carrier-grade NAT, not global
        ("https://0.0.0.0/x", "unspecified"),
        ("https://224.0.0.1/x", "multicast"),
        ("https://240.0.0.1/x", "private|reserved"),
        ("https://[::1]/x", "loopback"),
        ("https://[fe80::1]/x", "link-local"),
        ("https://[fc00::1]/x", "private"),
        ("https://[::ffff:127.0.0.1]/x", "loopback"),  # IPv4-mapped
        ("https://[::ffff:a9fe:a9fe]/x", "link-local"),  # mapped metadata address
        ("https://[2002:7f00:1::]/x", "loopback"),  # 6to4 of 127.0.0.1
        ("https://[64:ff9b::a00:1]/x", "private"),  # NAT64 of 10.0.0.1
        ("https://2130706433/x", "numeric host"),  # decimal 127.0.0.1
        ("https://0x7f000001/x", "numeric host"),
        ("https://0x7f.1/x", "numeric host"),
        ("https://127.1/x", "numeric host"),
        ("https://017700000001/x", "numeric host"),  # octal
        ("https://localhost/x", "local name"),
        ("https://LOCALHOST./x", "local name"),
        ("https://api.localhost/x", "local name"),
        ("https://hooks.example.com:0/x", "port 0"),
        ("https://hooks.example.com:99999/x", "not a valid URL"),
        ("https://hooks.example.com/a b", "whitespace"),
        ("https://hooks.example.com/" + "a" * 2100, "longer than"),
    ],
)
def test_unsafe_urls_are_refused_with_the_reason(url: str, why: str) -> None:
    with pytest.raises(UnsafeUrl, match=why):
        parse_url(url)


@pytest.mark.parametrize(
    ("url", "host", "port", "path"),
    [
        ("https://hooks.example.com", "hooks.example.com", 443, "/"),
        ("https://Hooks.Example.com:8443/in?a=1", "hooks.example.com", 8443, "/in?a=1"),
        ("https://93.184.216.34/x", "93.184.216.34", 443, "/x"),
        ("https://[2606:4700::1111]/x", "2606:4700::1111", 443, "/x"),
    ],
)
def test_public_https_urls_pass(url: str, host: str, port: int, path: str) -> None:
    target = parse_url(url)
    assert (target.host, target.port, target.path) == (host, port, path)


def test_dev_mode_allows_http_and_local_targets_but_never_credentials() -> None:
    target = parse_url("http://127.0.0.1:8080/hook", allow_private=True)
    assert target.pinned_url("127.0.0.1") == "http://127.0.0.1:8080/hook"
    assert target.host_header == "127.0.0.1:8080"
    parse_url("http://localhost:9/x", allow_private=True)
    with pytest.raises(UnsafeUrl, match="credentials"):
        parse_url("http://u:p@127.0.0.1/x", allow_private=True)
    with pytest.raises(UnsafeUrl, match="scheme"):
        parse_url("file:///etc/passwd", allow_private=True)
    with pytest.raises(UnsafeUrl, match="numeric host"):
        parse_url("http://2130706433/x", allow_private=True)


async def test_a_name_is_refused_when_any_of_its_addresses_is_not_public() -> None:
    target = parse_url("https://hooks.example.com/x")
    assert await resolve_target(target, resolver=fixed("93.184.216.34")) == ["93.184.216.34"]
    for bad in ("10.0.0.7", "::1", "169.254.169.254", "fd00::5"):
        with pytest.raises(UnsafeUrl, match="resolves to"):
            await resolve_target(target, resolver=fixed("93.184.216.34", bad))
    assert await resolve_target(target, allow_private=True, resolver=fixed("10.0.0.7"))


async def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(UnsafeUrl, match="does not resolve"):
        await check_url("https://no-such-host.invalid/x")
    with pytest.raises(UnsafeUrl, match="does not resolve"):
        await resolve_target(parse_url("https://hooks.example.com/x"), resolver=fixed())


async def test_the_system_resolver_answers_for_local_names_in_dev_mode_only() -> None:
    """Through the real resolver (/etc/hosts): localhost is refused by name outside dev
    mode, and in dev mode resolves to a loopback address that is then allowed."""
    with pytest.raises(UnsafeUrl, match="local name"):
        await check_url("https://localhost/x")
    target, addresses = await check_url("http://localhost:1/x", allow_private=True)
    assert any(ipaddress.ip_address(a).is_loopback for a in addresses)
    with pytest.raises(UnsafeUrl, match="resolves to a loopback"):
        await resolve_target(parse_url("https://localhost/x", allow_private=True))


def test_pinned_url_keeps_port_path_and_brackets_ipv6() -> None:
    target = parse_url("https://hooks.example.com:8443/in?x=1")
    assert target.pinned_url("2606:4700::1111") == "https://[2606:4700::1111]:8443/in?x=1"
    assert target.host_header == "hooks.example.com:8443"
    assert parse_url("https://hooks.example.com/").host_header == "hooks.example.com"


def test_public_addresses_have_no_reason() -> None:
    for text in ("93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"):
        assert forbidden_reason(ipaddress.ip_address(text)) is None, text


# --- signing ------------------------------------------------------------------------------


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    secret, body = "whsec_test", b'{"event_id":"e1"}'
    expected = hmac.new(secret.encode(), b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature(secret, 1700000000, body) == f"v1={expected}"


def test_verify_accepts_the_right_secret_within_the_window_only() -> None:
    secret, body = new_secret(), b'{"a":1}'
    headers = signed_headers(secret, "e1", "lead.created", body, now=1_700_000_000.7)
    ts, sig = headers["X-Leadgen-Timestamp"], headers["X-Leadgen-Signature"]
    assert ts == "1700000000" and headers["X-Leadgen-Event-Id"] == "e1"
    assert verify(secret, body, ts, sig, now=1_700_000_100)
    assert verify(secret, body, ts, f"v1=00, {sig}", now=1_700_000_100)  # rotation: several
    assert not verify(new_secret(), body, ts, sig, now=1_700_000_100)
    assert not verify(secret, body + b" ", ts, sig, now=1_700_000_100)
    assert not verify(secret, body, ts, sig, now=1_700_000_301)  # replayed too late
    assert not verify(secret, body, ts, sig, now=1_699_999_699)  # too far ahead
    assert not verify(secret, body, "1700000001", sig, now=1_700_000_100)  # timestamp is signed
    assert not verify(secret, body, "soon", sig)


def test_secrets_are_random_and_long() -> None:
    a, b = new_secret(), new_secret()
    assert a != b and a.startswith("whsec_") and len(a) >= 6 + 43


# --- retries ------------------------------------------------------------------------------


def test_backoff_doubles_up_to_the_cap_with_equal_jitter() -> None:
    lows = [backoff_s(n, base_s=1, max_s=60, rng=lambda: 0.0) for n in range(1, 9)]
    highs = [backoff_s(n, base_s=1, max_s=60, rng=lambda: 1.0) for n in range(1, 9)]
    assert lows == [0.5, 1, 2, 4, 8, 16, 30, 30]
    assert highs == [1, 2, 4, 8, 16, 32, 60, 60]


def test_only_2xx_is_success_and_redirects_are_not() -> None:
    assert is_success(200) and is_success(204)
    assert not any(is_success(s) for s in (199, 301, 302, 307, 400, 410, 500, 503))
