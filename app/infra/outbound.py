"""Outbound HTTP to addresses users give (webhooks): parse strictly, resolve, refuse our network.

A host name is only a promise: `2130706433`, `0x7f000001`, `127.1`, `0`, `localhost.` and
`ip6-localhost` all reach this machine, and any DNS name can point inside the network (or change
its answer between a check and the connection). So the name is resolved at delivery time, every
address it resolves to is checked, and the connection goes to the checked address itself.
"""

import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

# A host name as DNS allows it (after IDNA): labels of letters, digits and hyphens.
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Names that never leave the machine or the provider's network, whatever DNS says.
_LOCAL_NAMES = ("localhost", "ip6-localhost", "ip6-loopback")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class UrlProblem(ValueError):
    """The text is not an http(s) URL we can deliver to; the message says why."""


class AddressRefused(Exception):
    """The receiver's host is (or resolves to) an address inside a private network."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where one delivery goes: the URL to connect to and how to present the original host."""

    url: str  # with the checked IP address in place of the host name
    host_header: str
    server_name: str  # for TLS: the certificate must name this host


def parse_url(url: str) -> SplitResult:
    """Parse an http(s) URL strictly: a host, a valid port, no credentials, no odd characters."""
    if any(ch.isspace() or ch == "\\" or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        raise UrlProblem("must not contain spaces, backslashes or control characters")
    try:
        parts = urlsplit(url)
    except ValueError:  # a bracketed host that is no IPv6 address, among others
        raise UrlProblem("has a host that is not a valid name or IP address") from None
    if parts.scheme not in ("http", "https"):
        raise UrlProblem("must start with https:// (or http://)")
    if not parts.hostname:
        raise UrlProblem("must name a host, as in https://hooks.example.org/trustmeter")
    if parts.username is not None or parts.password is not None:
        raise UrlProblem("must not hold a user name or password")
    try:
        port = parts.port
    except ValueError:
        raise UrlProblem("has a port that is not a number from 1 to 65535") from None
    if port == 0:
        raise UrlProblem("has a port that is not a number from 1 to 65535")
    if _ip_literal(parts.hostname) is None and not _valid_name(parts.hostname):
        raise UrlProblem("has a host name that is not valid")
    return parts


def _valid_name(host: str) -> bool:
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return False
    labels = ascii_host.split(".")
    return len(ascii_host) <= 253 and all(_LABEL.match(label) for label in labels)


def _ip_literal(host: str) -> Address | None:
    """The address a host spelled as an IP means, in any spelling the C library accepts."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        pass
    try:
        # inet_aton reads the old forms too: 2130706433, 0x7f000001, 127.1, 0.
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def is_public(address: Address) -> bool:
    """Globally routable unicast: not loopback, private, link-local, multicast or reserved."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified
    )


def is_local_host(host: str) -> bool:
    """Without resolving: a name or literal that plainly points inside (a quick refusal)."""
    name = host.strip("[]").rstrip(".").lower()
    if name in _LOCAL_NAMES or name.endswith(_LOCAL_SUFFIXES):
        return True
    literal = _ip_literal(name)
    if literal is not None:
        return not is_public(literal)
    # A single-label name is completed by the local search domain: it names an inside host.
    return "." not in name


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def public_target(url: str, *, resolve: Resolver | None = None) -> Target:
    """Resolve the URL's host now; refuse unless every address it has is public."""
    parts = parse_url(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if is_local_host(host):
        raise AddressRefused(host)
    try:
        addresses = (resolve or system_resolver)(host, port)
        found = [ipaddress.ip_address(a.split("%")[0]) for a in addresses]
    except (OSError, UnicodeError, ValueError):
        raise AddressRefused(host) from None
    if not found or not all(is_public(address) for address in found):
        raise AddressRefused(host)
    chosen = found[0]
    literal = f"[{chosen}]" if chosen.version == 6 else str(chosen)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    host_header = parts.netloc.rsplit("@", 1)[-1]
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    return Target(url=pinned, host_header=host_header, server_name=host.strip("[]"))
