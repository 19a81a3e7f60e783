"""The outbound-HTTP guard: which addresses a user-chosen URL may reach, and how a
request to one is made (one resolution, no redirects, short timeouts, bounded reads)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from ipaddress import ip_address

import pytest

from parley.models.errors import InvalidInput
from parley.models.outbound_urls import OutboundPolicy
from parley.subscriptions.outbound import OutboundFailed, OutboundHTTP, OutboundRefused
from tests.channels import PushService

PRODUCTION = OutboundPolicy()
TESTS = OutboundPolicy(require_https=False, allow_private=True)

REFUSED = [
    "127.0.0.1",  # loopback
    "10.1.2.3",  # private
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",  # shared address space (carrier NAT)
    "169.254.169.254",  # link-local: cloud metadata
    "168.63.129.16",  # Azure's wire server: a public address, still metadata
    "0.0.0.0",  # unspecified: reaches loopback on Linux
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "::1",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "2002:7f00:1::",  # 6to4 around 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
]
ALLOWED = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"]


@pytest.mark.parametrize("address", REFUSED)
def test_production_refuses_every_non_public_address(address: str) -> None:
    assert not PRODUCTION.address_allowed(ip_address(address))


@pytest.mark.parametrize("address", ALLOWED)
def test_production_allows_public_addresses(address: str) -> None:
    assert PRODUCTION.address_allowed(ip_address(address))


def test_allowing_private_targets_still_refuses_metadata_and_multicast() -> None:
    assert TESTS.address_allowed(ip_address("127.0.0.1"))
    assert TESTS.address_allowed(ip_address("10.0.0.1"))
    for address in ("169.254.169.254", "fd00:ec2::254", "224.0.0.1", "0.0.0.0"):
        assert not TESTS.address_allowed(ip_address(address)), address


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://push.example/x", "must be https"),
        ("ftp://push.example/x", "must be https"),
        ("https:///x", "with a host"),
        ("https://push.example:99999/x", "not a valid URL"),
        ("https://user:secret@push.example/x", "user name or password"),
        ("https://127.0.0.1/x", "private or reserved"),
        ("https://[::1]:8443/x", "private or reserved"),
        ("https://[fe80::1%25eth0]/x", "private or reserved"),
    ],
)
def test_production_url_shapes_are_refused_with_a_reason(url: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        PRODUCTION.check_url(url, "endpoint")


def test_a_name_passes_the_shape_check_and_waits_for_its_resolution() -> None:
    assert PRODUCTION.check_url("https://localhost/x", "endpoint").hostname == "localhost"


@pytest.fixture
async def receiver() -> AsyncIterator[PushService]:
    async with PushService().running() as service:
        yield service


class Resolutions:
    """A DNS stand-in: fixed answers per name, counting the questions."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return self.answers[host]


async def test_a_name_is_resolved_once_and_the_checked_address_is_the_one_connected_to(
    receiver: PushService,
) -> None:
    port = receiver.base.rsplit(":", 1)[1]
    dns = Resolutions({"push.test": ["127.0.0.1"]})  # a name only this stand-in knows
    response = await OutboundHTTP(TESTS, lookup=dns).post(
        f"http://push.test:{port}/push/a", b"hello", {}
    )
    assert response.status == 201
    (push,) = receiver.received
    assert push.body == b"hello"
    assert push.headers["host"] == f"push.test:{port}"
    assert dns.asked == ["push.test"]


@pytest.mark.parametrize("answer", [["127.0.0.1"], ["93.184.216.34", "10.0.0.7"]])
async def test_a_name_that_resolves_to_any_refused_address_is_never_connected_to(
    receiver: PushService, answer: list[str]
) -> None:
    port = receiver.base.rsplit(":", 1)[1]
    guarded = OutboundHTTP(
        OutboundPolicy(require_https=False), lookup=Resolutions({"a.test": answer})
    )
    with pytest.raises(OutboundRefused):
        await guarded.post(f"http://a.test:{port}/push/a", b"x", {})
    assert receiver.received == []


async def test_a_literal_refused_address_is_never_connected_to(receiver: PushService) -> None:
    with pytest.raises(OutboundRefused):
        await OutboundHTTP(OutboundPolicy(require_https=False)).post(
            f"{receiver.base}/push/a", b"x", {}
        )
    assert receiver.received == []


async def test_redirects_are_not_followed(receiver: PushService) -> None:
    receiver.status, receiver.location = 307, f"{receiver.base}/push/elsewhere"
    response = await OutboundHTTP(TESTS).post(f"{receiver.base}/push/a", b"x", {})
    assert response.status == 307
    assert [push.path for push in receiver.received] == ["/push/a"]


async def test_the_answer_is_read_only_up_to_the_bound(receiver: PushService) -> None:
    receiver.answer = b"x" * 200_000
    response = await OutboundHTTP(TESTS, max_response_bytes=100).post(
        f"{receiver.base}/push/a", b"x", {}
    )
    assert len(response.body) <= 100


async def test_a_server_that_never_answers_fails_after_the_read_timeout() -> None:
    done = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65_536)
        await done.wait()  # holds the request open until the test ends
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    outbound = OutboundHTTP(TESTS, read_timeout=0.2, total_timeout=5)
    async with server:
        with pytest.raises(OutboundFailed):
            await asyncio.wait_for(outbound.post(f"http://127.0.0.1:{port}/", b"x", {}), 4)
        done.set()
