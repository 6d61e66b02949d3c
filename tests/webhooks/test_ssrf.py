"""The guard against webhooks aimed inside the network.

No test here sends a packet anywhere but 127.0.0.1: names are resolved by a stub, a
refused address is refused before any connection (the conftest's network guard would
fail the test otherwise), and what does connect connects to a receiver on loopback.
"""

from __future__ import annotations

import asyncio
import socket

import pytest

from siaga.core.types import utcnow
from siaga.webhooks import signing
from siaga.webhooks.sender import MAX_EXCERPT_BYTES, Sender
from siaga.webhooks.ssrf import UrlRefused, check_url, parse_url
from tests.webhooks.conftest import NetworkViolation, StubResolver
from tests.webhooks.receiver import HANG, Receiver

# URL -> the reason it is refused. Outside production (plain http allowed), so that
# each case is refused for its address alone.
REFUSED = {
    "http://127.0.0.1/hook": "loopback",
    "http://127.8.9.10/hook": "loopback",
    "http://[::1]/hook": "loopback",
    "http://10.0.0.5/hook": "private",
    "http://172.16.3.4/hook": "private",
    "http://192.168.1.1:8080/hook": "private",
    "http://169.254.169.254/latest/meta-data/": "metadata",
    "http://[fd00:ec2::254]/latest/meta-data/": "metadata",
    "http://169.254.1.1/hook": "link_local",
    "http://[fe80::1]/hook": "link_local",
    "http://100.64.0.1/hook": "shared",
    "http://224.0.0.1/hook": "multicast",
    "http://[ff02::1]/hook": "multicast",
    "http://0.0.0.0/hook": "unspecified",
    "http://[::]/hook": "unspecified",
    "http://240.0.0.1/hook": "private",
    "http://192.0.2.10/hook": "private",
    "http://[fc00::1]/hook": "unique_local",
    "http://[fd12:3456::1]/hook": "unique_local",
    "http://[fec0::1]/hook": "site_local",
    "http://[2001:db8::1]/hook": "private",
    # IPv4 inside IPv6: mapped, NAT64, 6to4, compatible.
    "http://[::ffff:127.0.0.1]/hook": "loopback",
    "http://[::ffff:7f00:1]/hook": "loopback",
    "http://[::ffff:a00:1]/hook": "private",
    "http://[::ffff:8.8.8.8]/hook": "ipv4_embedded",
    "http://[64:ff9b::a9fe:a9fe]/hook": "metadata",
    "http://[2002:a9fe:a9fe::1]/hook": "metadata",
    "http://[::10.0.0.1]/hook": "private",
    # The C library's other spellings of 127.0.0.1 and 169.254.169.254.
    "http://2130706433/hook": "non_canonical_address",
    "http://017700000001/hook": "non_canonical_address",
    "http://0177.0.0.1/hook": "non_canonical_address",
    "http://0x7f.0.0.1/hook": "non_canonical_address",
    "http://0x7f000001/hook": "non_canonical_address",
    "http://127.1/hook": "non_canonical_address",
    "http://2852039166/latest/meta-data/": "non_canonical_address",
    "http://256.0.0.1/hook": "invalid_host",
    "http://1.2.3.4.5/hook": "invalid_host",
    "http://[fe80::1%25eth0]/hook": "invalid_host",
    # Names, through the stub resolver.
    "http://internal.example.go.id/hook": "private",
    "http://metadata.example.go.id/hook": "metadata",
    "http://mixed.example.go.id/hook": "loopback",
    "http://nowhere.example.go.id/hook": "unresolvable",
    # Not a webhook URL at all.
    "ftp://files.example.go.id/hook": "invalid_url",
    "file:///etc/passwd": "invalid_url",
    "https:///hook": "invalid_url",
    "http://admin:rahasia@public.example.go.id/hook": "credentials_in_url",
    "http://public.example.go.id:99999/hook": "invalid_url",
    "http://bad_host!.example/hook": "invalid_host",
}
NAMES = {
    "internal.example.go.id": ["10.1.2.3"],
    "metadata.example.go.id": ["169.254.169.254"],
    # One public and one loopback address: the name is refused, not half-used.
    "mixed.example.go.id": ["93.184.215.14", "127.0.0.1"],
    "public.example.go.id": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
}


@pytest.fixture
def names() -> StubResolver:
    return StubResolver(dict(NAMES))


@pytest.mark.parametrize(("url", "reason"), sorted(REFUSED.items()))
async def test_refused(url: str, reason: str, names: StubResolver) -> None:
    with pytest.raises(UrlRefused) as caught:
        await check_url(url, production=False, allowed_hosts=(), resolver=names)
    assert caught.value.reason == reason, caught.value.message


@pytest.mark.parametrize(
    "url",
    [
        "https://public.example.go.id/hooks/siaga",
        "http://public.example.go.id:8080/hook",  # outside production
        "https://93.184.215.14/hook",
        "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook",
        "https://PUBLIC.example.go.id./hook",  # case and a trailing dot change nothing
    ],
)
async def test_public_addresses_pass(url: str, names: StubResolver) -> None:
    target = await check_url(url, production=False, allowed_hosts=(), resolver=names)
    assert not target.allowed
    assert target.port == (8080 if ":8080" in url else 443)


async def test_ip_literals_are_not_looked_up(names: StubResolver) -> None:
    await check_url("https://93.184.215.14/x", production=False, allowed_hosts=(), resolver=names)
    assert names.asked == []


async def test_https_is_required_in_production(names: StubResolver) -> None:
    with pytest.raises(UrlRefused) as caught:
        await check_url(
            "http://public.example.go.id/hook", production=True, allowed_hosts=(), resolver=names
        )
    assert caught.value.reason == "https_required"
    await check_url(
        "https://public.example.go.id/hook", production=True, allowed_hosts=(), resolver=names
    )


async def test_allow_listed_hosts_skip_the_address_checks(names: StubResolver) -> None:
    allowed = ("127.0.0.1", "internal.example.go.id")
    for url in ("http://127.0.0.1:9000/hook", "http://internal.example.go.id/hook"):
        # Plain http too, even in production: an intranet receiver listed on purpose.
        await check_url(url, production=True, allowed_hosts=allowed, resolver=names)
    # Exact names only: a subdomain of a listed host is not listed.
    with pytest.raises(UrlRefused):
        parse_url("http://x.internal.example.go.id/", production=True, allowed_hosts=allowed)


# --- at the connection ---------------------------------------------------------------


# Generous: a send that should succeed must not fail on a loaded CI machine (one did at
# 2 s); the timeout test passes its own short one.
def _sender(resolver: StubResolver, allowed: tuple[str, ...] = (), timeout: float = 10.0) -> Sender:
    return Sender(
        production=False, allowed_hosts=allowed, timeout_seconds=timeout, resolver=resolver
    )


def _request(msg_id: str = "msg_test") -> tuple[list[tuple[bytes, bytes]], bytes]:
    payload = signing.body("ping", utcnow(), {})
    secret = signing.derive_secret("k" * 40, "n")
    return signing.headers(msg_id, [secret], payload, utcnow()), payload


async def test_dns_rebinding_is_refused_before_connecting(receiver: Receiver) -> None:
    """A name that was public at registration and resolves to 127.0.0.1 at delivery time
    is refused by the connection's own check: the receiver never sees a connection."""
    rebinding = StubResolver({"rebind.example.go.id": ["93.184.215.14"]})
    url = f"http://rebind.example.go.id:{receiver.port}/hook"
    await check_url(url, production=False, allowed_hosts=(), resolver=rebinding)
    rebinding.names["rebind.example.go.id"] = ["127.0.0.1"]
    sender = _sender(rebinding)
    try:
        result = await sender.send(url, *_request())
    finally:
        await sender.aclose()
    assert result.status_code is None
    assert result.error is not None and "loopback" in result.error
    assert receiver.connections == 0
    # The control: the same name allow-listed connects to the receiver and is answered.
    allowed = _sender(rebinding, allowed=("rebind.example.go.id",))
    try:
        result = await allowed.send(url, *_request())
    finally:
        await allowed.aclose()
    assert (result.status_code, receiver.connections) == (200, 1)


async def test_a_stored_private_url_is_refused_at_sending(names: StubResolver) -> None:
    # Stored before the guard existed, or by hand: still never connected to (the
    # network guard fails this test if a connection to 10.0.0.1 is even attempted).
    sender = _sender(names)
    try:
        result = await sender.send("http://10.0.0.1/hook", *_request())
    finally:
        await sender.aclose()
    assert result.status_code is None and result.error is not None
    assert "private" in result.error


async def test_redirects_are_not_followed(receiver: Receiver) -> None:
    elsewhere = await Receiver().start()
    try:
        receiver.respond = lambda _: (307, b"", {"Location": elsewhere.url})
        sender = _sender(StubResolver(), allowed=("127.0.0.1",))
        try:
            result = await sender.send(receiver.url, *_request())
        finally:
            await sender.aclose()
        assert result.status_code == 307
        assert elsewhere.connections == 0
    finally:
        await elsewhere.stop()


async def test_reads_at_most_4_kib_of_the_answer(receiver: Receiver) -> None:
    receiver.respond = lambda _: (500, "é".encode() * (512 * 1024))  # 1 MiB
    sender = _sender(StubResolver(), allowed=("127.0.0.1",))
    try:
        result = await sender.send(receiver.url, *_request())
    finally:
        await sender.aclose()
    assert result.status_code == 500
    assert result.excerpt is not None
    assert len(result.excerpt.encode()) <= MAX_EXCERPT_BYTES
    assert result.excerpt.startswith("éé") and len(result.excerpt) >= MAX_EXCERPT_BYTES // 2 - 1


async def test_gives_up_after_the_timeout(receiver: Receiver) -> None:
    receiver.respond = lambda _: (HANG, b"")
    sender = _sender(StubResolver(), allowed=("127.0.0.1",), timeout=0.3)
    try:
        result = await asyncio.wait_for(sender.send(receiver.url, *_request()), 5)
    finally:
        await sender.aclose()
    assert result.status_code is None
    assert result.error is not None and "timed out" in result.error
    assert 250 <= result.duration_ms < 2000


async def test_an_unreachable_receiver_is_an_error_not_an_exception(receiver: Receiver) -> None:
    url = receiver.url
    await receiver.stop()
    sender = _sender(StubResolver(), allowed=("127.0.0.1",))
    try:
        result = await sender.send(url, *_request())
    finally:
        await sender.aclose()
    assert result.status_code is None and result.error


def test_the_network_guard_stops_traffic_beyond_loopback(loopback_only: list[str]) -> None:
    """The conftest's guard itself: what it refuses never leaves the machine."""
    with socket.socket() as sock, pytest.raises(NetworkViolation):
        sock.connect(("10.255.255.1", 9))
    with pytest.raises(NetworkViolation):
        socket.getaddrinfo("example.com", 443)
    assert loopback_only == ["connect ('10.255.255.1', 9)", "getaddrinfo 'example.com'"]
    loopback_only.clear()  # seen and expected: not a failure of this test


async def test_international_names_are_sent_in_idna(receiver: Receiver) -> None:
    names = StubResolver({"xn--bcher-kva.example.go.id": ["127.0.0.1"]})
    url = f"http://bücher.example.go.id:{receiver.port}/hook/ä"
    # Registered, allow-listed and sent under one spelling, whichever was typed.
    target = await check_url(
        url, production=True, allowed_hosts=("BÜCHER.example.go.id",), resolver=names
    )
    assert (target.host, target.allowed) == ("xn--bcher-kva.example.go.id", True)
    sender = _sender(names, allowed=("bücher.example.go.id",))
    try:
        result = await sender.send(url, *_request())
    finally:
        await sender.aclose()
    assert (result.status_code, result.error) == (200, None)
    assert names.asked == ["xn--bcher-kva.example.go.id"] * 2
    assert receiver.received[0].headers["host"].startswith("xn--bcher-kva.example.go.id")
