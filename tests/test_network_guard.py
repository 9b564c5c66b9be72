import socket

import pytest

from llmhub_runtime.testing import FakeOpenAIServer
from tests.conftest import RECORDING, NetworkBlockedError

pytestmark = pytest.mark.skipif(RECORDING, reason="the guard is lifted while recording cassettes")


def test_non_loopback_connections_are_blocked() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(NetworkBlockedError):
        sock.connect(("10.255.255.1", 443))


def test_dns_lookups_are_blocked() -> None:
    with pytest.raises(NetworkBlockedError):
        socket.getaddrinfo("api.openai.com", 443)


def test_loopback_is_allowed(fake_server: FakeOpenAIServer) -> None:
    with socket.create_connection(("127.0.0.1", fake_server.port), timeout=2):
        pass


def test_real_api_keys_are_stripped(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    assert not [name for name in os.environ if name.endswith("_API_KEY")]
