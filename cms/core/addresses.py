"""Which IP addresses a webhook may reach: public ones only, including the IPv4 address an IPv6 form carries.

An IPv6 address can embed an IPv4 one and reach it: IPv4-compatible (`::7f00:1`), IPv4-mapped (`::ffff:7f00:1`),
NAT64 (`64:ff9b::7f00:1`, translated by a gateway), 6to4 (`2002:7f00:1::`) and Teredo (`2001:0:…`, its client
address the last 32 bits inverted). Such an address is judged by the IPv4 address it embeds as well.
"""

import ipaddress
from ipaddress import IPv4Address, IPv6Address

_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")
"""RFC 8215's local-use prefix: where the IPv4 address sits depends on the network, so the whole prefix is refused."""


def is_public(address: str) -> bool:
    """'93.184.215.14' -> True; '10.0.0.7', '::1', '::ffff:127.0.0.1', '64:ff9b::a9fe:a9fe' -> False.

    Public: global by `ipaddress`'s own properties, not multicast, and every IPv4 address it embeds public too.
    A zone (`fe80::1%eth0`) is ignored; what is not an IP address at all is not public.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, IPv6Address):
        if ip in _LOCAL_NAT64:
            return False
        wrapped = ip.ipv4_mapped or (_low_32_bits(ip) if ip in _IPV4_COMPATIBLE or ip in _NAT64 else None)
        if wrapped is not None:  # the IPv6 address is only a way to write (or to reach) this IPv4 one
            return _is_public(wrapped)
        if not all(_is_public(embedded) for embedded in _tunnelled(ip)):
            return False
    return _is_public(ip)


def _is_public(ip: IPv4Address | IPv6Address) -> bool:
    return ip.is_global and not ip.is_multicast


def _low_32_bits(ip: IPv6Address) -> IPv4Address:
    return IPv4Address(int(ip) & 0xFFFFFFFF)


def _tunnelled(ip: IPv6Address) -> tuple[IPv4Address, ...]:
    """The IPv4 addresses a 6to4 or Teredo address leads to (Teredo: its server and its client)."""
    if ip.sixtofour is not None:
        return (ip.sixtofour,)
    return ip.teredo or ()
