"""Where Parley may send requests that users aim (Web Push endpoints now, webhooks later).

The rules, applied when a URL is registered (its shape) and again when it is sent to
(every address its name resolves to, see subscriptions.outbound):

- https only, unless debug is on (then http too);
- no user name or password in the URL;
- never loopback, private, shared (100.64/10), link-local, multicast, reserved or
  unspecified addresses, nor IPv6 forms that embed one (IPv4-mapped, 6to4, NAT64),
  unless `allow_private` is on (tests only);
- never a cloud metadata address, whatever the setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address
from urllib.parse import SplitResult, urlsplit

from parley.models.errors import InvalidInput

Address = IPv4Address | IPv6Address

# Instance metadata services: AWS, ECS, GCP and Azure (169.254.169.254 and the others
# link-local), Alibaba (100.100.100.200), Azure's wire server, Oracle, AWS over IPv6.
METADATA_ADDRESSES = frozenset(
    ip_address(address)
    for address in (
        "169.254.169.254",
        "169.254.170.2",
        "100.100.100.200",
        "168.63.129.16",
        "192.0.0.192",
        "fd00:ec2::254",
    )
)
NAT64 = IPv6Network("64:ff9b::/96")


@dataclass(frozen=True, slots=True)
class OutboundPolicy:
    """The rules above; the defaults are production's."""

    require_https: bool = True
    allow_private: bool = False

    def check_url(self, url: str, field: str) -> SplitResult:
        """The URL, split, if it may be sent to; InvalidInput naming `field` otherwise.

        A literal address is checked here; a name is checked when it is resolved, at
        send time, because what it resolves to can change after registration.
        """
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 (raises ValueError for a malformed port)
        except ValueError:
            raise InvalidInput(field, "This is not a valid URL.") from None
        schemes = ("https",) if self.require_https else ("https", "http")
        if parts.scheme not in schemes or not parts.hostname:
            raise InvalidInput(field, f"The URL must be {' or '.join(schemes)} with a host.")
        if parts.username is not None or parts.password is not None:
            raise InvalidInput(field, "The URL may not carry a user name or password.")
        literal = _literal_address(parts.hostname)
        if literal is not None and not self.address_allowed(literal):
            raise InvalidInput(field, "The URL may not point at a private or reserved address.")
        return parts

    def address_allowed(self, address: Address) -> bool:
        """True when a request may connect to `address`."""
        if address in METADATA_ADDRESSES:
            return False
        if address.is_multicast or address.is_unspecified:
            return False
        if self.allow_private:
            return True
        embedded = _embedded_ipv4(address)
        if embedded is not None and not self.address_allowed(embedded):
            return False
        return address.is_global and not address.is_reserved


def _literal_address(host: str) -> Address | None:
    try:
        return ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def _embedded_ipv4(address: Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, 6to4, NAT64), if any."""
    if isinstance(address, IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None
