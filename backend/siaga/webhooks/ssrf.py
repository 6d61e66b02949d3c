"""The guard against webhooks aimed inside our own network (server-side request forgery).

A webhook URL is typed by an administrator and then requested by the server, from
inside the network: pointed at 127.0.0.1, 10.x, or a cloud's metadata service at
169.254.169.254, it would turn the server into a proxy into places the administrator
cannot reach. So:

- the scheme is https (http only outside production, or for an allow-listed host), the
  URL holds no credentials, and an IP address is written only in its canonical form
  (`2130706433`, `0177.0.0.1` and `127.1` all mean 127.0.0.1 to the C library);
- the host's addresses are resolved and every one must be public: not loopback,
  private, link-local, shared (CGNAT), multicast, unspecified, reserved or
  documentation, nor an IPv6 unique-local, site-local or IPv4-embedding form (mapped,
  compatible, NAT64, 6to4, Teredo), nor a metadata address;
- this is checked when the URL is registered, and again by `GuardedBackend` at each
  connection, which connects to the very address it has just checked: a name that
  resolves to a public address at registration and to 127.0.0.1 later (DNS rebinding)
  is refused at the connection, before any packet is sent.

Hosts in SIAGA_WEBHOOK_ALLOW_HOSTS (exact names or addresses) skip the address checks
and may use http in production: receivers on the same intranet, listed on purpose.
The resolver is injectable, so tests resolve names with a stub and never touch DNS.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> the addresses the host resolves to, as text.
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

_METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "169.254.170.2")
)
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_COMPATIBLE = ipaddress.ip_network("::/96")
_NUMERIC_LABEL = re.compile(r"(0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)
_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9])?)*")


class UrlRefused(Exception):
    """A webhook URL (or an address it resolved to) the guard does not allow."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str  # lower case, without brackets or a trailing dot
    port: int
    allowed: bool  # listed in SIAGA_WEBHOOK_ALLOW_HOSTS: no address checks


def _number(label: str) -> int:
    if label[:2].lower() == "0x":
        return int(label[2:] or "0", 16)
    return int(label, 8 if len(label) > 1 and label[0] == "0" else 10)


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The address inet_aton would read in `host` (`127.1`, `0x7f.0.0.1`, `2130706433`),
    or None when `host` is a name. Raises UrlRefused for a number that is no address."""
    labels = host.split(".")
    if not _NUMERIC_LABEL.fullmatch(labels[-1]):
        return None
    # A host ending in a number is an IPv4 address or nothing (as the WHATWG URL rules
    # read it), never a name.
    try:
        if len(labels) > 4 or not all(_NUMERIC_LABEL.fullmatch(label) for label in labels):
            raise ValueError(host)
        *head, last = [_number(label) for label in labels]
        if any(part > 255 for part in head) or last >= 256 ** (4 - len(head)):
            raise ValueError(host)
        value = last
        for i, part in enumerate(head):
            value += part << (8 * (3 - i))
        return ipaddress.IPv4Address(value)
    except ValueError:
        raise UrlRefused("invalid_host", f"{host!r} is not a valid address") from None


def normalise_host(host: str) -> str:
    """One spelling per host: lower case, no brackets or trailing dot, IDNA for names."""
    host = host.strip().lower().strip("[]").rstrip(".")
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host  # refused by parse_url as an invalid host name


def literal_address(host: str) -> IPAddress | None:
    """The address `host` names when it is one (canonical forms only), else None."""
    if ":" in host:
        if "%" in host:
            raise UrlRefused("invalid_host", "IPv6 zone identifiers are not allowed")
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise UrlRefused("invalid_host", f"{host!r} is not a valid address") from None
    legacy = _legacy_ipv4(host)
    if legacy is not None and str(legacy) != host:
        raise UrlRefused(
            "non_canonical_address",
            f"write the address as {legacy} (the form {host!r} is refused)",
        )
    return legacy


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in net for net in _NAT64) or (ip in _COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_refusal(ip: IPAddress) -> str | None:
    """Why a connection to `ip` is refused (a reason code), or None if it is public."""
    if ip in _METADATA:
        return "metadata"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return "link_local"
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return address_refusal(embedded) or "ipv4_embedded"
        if ip in _UNIQUE_LOCAL:
            return "unique_local"
        if ip.is_site_local:
            return "site_local"
    checks = (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link_local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("shared", isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved or not ip.is_global),
    )
    return next((reason for reason, hit in checks if hit), None)


def parse_url(url: str, *, production: bool, allowed_hosts: Iterable[str]) -> Target:
    """The URL's target, or UrlRefused; no name is resolved here."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise UrlRefused("invalid_url", "the URL cannot be read") from None
    scheme = parts.scheme.lower()
    host = normalise_host(parts.hostname or "")
    if scheme not in ("http", "https") or not host:
        raise UrlRefused("invalid_url", "the URL must start with https:// and name a host")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused("credentials_in_url", "the URL must not hold a user name or password")
    allowed = host in {normalise_host(h) for h in allowed_hosts}
    if scheme == "http" and production and not allowed:
        raise UrlRefused("https_required", "webhooks must use https://")
    if literal_address(host) is None and (not _HOST.fullmatch(host) or len(host) > 253):
        raise UrlRefused("invalid_host", f"{host!r} is not a valid host name")
    return Target(scheme, host, port or (443 if scheme == "https" else 80), allowed)


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def resolve(host: str, port: int, *, allowed: bool, resolver: Resolver) -> list[IPAddress]:
    """The addresses to connect to for `host`, every one checked (unless allowed):
    one refused address refuses the host, so a name cannot mix a public address with
    an internal one and hope for the second."""
    literal = literal_address(host)
    if literal is not None:
        found: list[IPAddress] = [literal]
    else:
        try:
            answers = await resolver(host, port)
            found = list(dict.fromkeys(ipaddress.ip_address(a) for a in answers))
        except (OSError, UnicodeError, ValueError):
            found = []
        if not found:
            raise UrlRefused("unresolvable", f"the host {host!r} cannot be resolved")
    if not allowed:
        for ip in found:
            reason = address_refusal(ip)
            if reason is not None:
                raise UrlRefused(reason, f"{host!r} leads to {ip}, which is not allowed ({reason})")
    return found


async def check_url(
    url: str, *, production: bool, allowed_hosts: Iterable[str], resolver: Resolver
) -> Target:
    """Everything the guard checks before a URL is stored: its form and its addresses."""
    target = parse_url(url, production=production, allowed_hosts=allowed_hosts)
    await resolve(target.host, target.port, allowed=target.allowed, resolver=resolver)
    return target


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, with the guard at every new connection: it resolves
    the host itself, checks every address, and connects to a checked one."""

    def __init__(self, *, allowed_hosts: Iterable[str], resolver: Resolver) -> None:
        self._allowed = frozenset(normalise_host(h) for h in allowed_hosts)
        self._resolver = resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        host = normalise_host(host)
        addresses = await resolve(
            host, port, allowed=host in self._allowed, resolver=self._resolver
        )
        error: Exception | None = None
        for ip in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(ip),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise UrlRefused("invalid_url", "webhooks do not use Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def connection_pool(
    *, allowed_hosts: Iterable[str], resolver: Resolver, ssl_context: ssl.SSLContext | None = None
) -> httpcore.AsyncConnectionPool:
    """A pool that reaches receivers only through the guard: no proxy (one from the
    environment would connect for us, unguarded), no retries, HTTP/1.1."""
    return httpcore.AsyncConnectionPool(
        ssl_context=ssl_context,
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=30.0,
        retries=0,
        network_backend=GuardedBackend(allowed_hosts=allowed_hosts, resolver=resolver),
    )
