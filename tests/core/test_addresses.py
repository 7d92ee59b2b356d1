"""Public addresses for webhooks: an IPv6 form that embeds an IPv4 address is judged by that address too."""

from ipaddress import IPv4Address, IPv6Address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cms.core.addresses import is_public

ipv4 = st.integers(min_value=0, max_value=2**32 - 1).map(IPv4Address)
private_ipv4 = st.sampled_from(
    ["127.0.0.1", "10.0.0.7", "192.168.1.1", "172.16.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1"]
).map(IPv4Address)


def _v6(high: int, v4: IPv4Address, shift: int = 0) -> str:
    return str(IPv6Address(high | (int(v4) << shift)))


WRAPPED = {
    "IPv4-compatible ::/96": lambda v4: _v6(0, v4),
    "IPv4-mapped ::ffff:0:0/96": lambda v4: _v6(0xFFFF << 32, v4),
    "NAT64 64:ff9b::/96": lambda v4: _v6(0x64FF9B << 96, v4),
}
TUNNELLED = {
    "6to4 2002::/16": lambda v4: _v6(0x2002 << 112, v4, shift=80),
    "Teredo client 2001::/32": lambda v4: _v6((0x2001 << 112) | (0x5DB8D70E << 64), IPv4Address(int(v4) ^ 0xFFFFFFFF)),
    "Teredo server 2001::/32": lambda v4: _v6(0x2001 << 112, v4, shift=64),
}


@pytest.mark.parametrize("form", WRAPPED)
@given(v4=ipv4)
def test_an_ipv6_form_that_wraps_an_ipv4_address_is_judged_like_that_address(form: str, v4: IPv4Address) -> None:
    assert is_public(WRAPPED[form](v4)) == is_public(str(v4))


@pytest.mark.parametrize("form", TUNNELLED)
@given(v4=private_ipv4)
def test_a_tunnel_to_a_private_ipv4_address_is_refused(form: str, v4: IPv4Address) -> None:
    assert not is_public(TUNNELLED[form](v4))


@given(low=st.integers(min_value=0, max_value=2**80 - 1))
def test_every_address_of_the_local_use_nat64_prefix_is_refused(low: int) -> None:
    assert not is_public(str(IPv6Address((0x0064FF9B0001 << 80) | low)))


@pytest.mark.parametrize(
    "address",
    ["::7f00:1", "::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "2002:a9fe:a9fe::"],
)
def test_the_reported_forms_of_loopback_and_metadata_addresses_are_refused(address: str) -> None:
    assert not is_public(address)


@pytest.mark.parametrize(
    "address", ["::1", "::", "fe80::1%eth0", "fc00::1", "ff02::1", "2001:db8::1", "not an address", "10.0.0.7"]
)
def test_non_global_addresses_are_refused(address: str) -> None:
    assert not is_public(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::1", "::ffff:93.184.215.14", "64:ff9b::5db8:d70e"])
def test_public_addresses_are_accepted(address: str) -> None:
    assert is_public(address)
