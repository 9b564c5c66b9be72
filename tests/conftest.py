"""Shared test set-up: no real API keys, no network beyond loopback, a local OpenAI-compatible server.

Recording cassettes against a real provider needs both keys and network, so setting
LLMHUB_VCR_RECORD_MODE to a recording mode (once, new_episodes, all) lifts the guard and keeps keys.
"""

from __future__ import annotations

import _socket
import ipaddress
import os
import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from llmhub_runtime.testing import FakeOpenAIServer

RECORD_MODE = os.environ.get("LLMHUB_VCR_RECORD_MODE", "none")
RECORDING = RECORD_MODE != "none"

# Anything that looks like a credential, plus the variables that change where the runtime looks.
_SECRET_VAR = re.compile(r"(_API_KEY|_API_TOKEN|_ACCESS_KEY(_ID)?|_SECRET(_ACCESS_KEY)?|_TOKEN|_BASE_URL|_API_BASE)$")
_RUNTIME_VARS = {
    "LLMHUB_CONFIG",
    "LLMHUB_ENV",
    "ANY_LLM_UNIFIED_EXCEPTIONS",
    "LLMHUB_GENERATOR_MODEL",
    "LLMHUB_CATALOG_SOURCES",
    "LLMHUB_CATALOG_OVERRIDES",
}


class NetworkBlockedError(RuntimeError):
    """A test tried to reach a non-loopback address."""


def _is_loopback(host: object) -> bool:
    if host is None:
        return True
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _check(address: object) -> None:
    if isinstance(address, tuple) and address and not _is_loopback(address[0]):
        raise NetworkBlockedError(f"network access to {address[0]!r} is blocked in tests (loopback only)")


def _install_network_guard() -> None:
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: _socket.socket, address: Any) -> None:
        _check(address)
        return real_connect(self, address)

    def connect_ex(self: _socket.socket, address: Any) -> int:
        _check(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback(host):
            raise NetworkBlockedError(f"DNS lookup of {host!r} is blocked in tests (loopback only)")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo


def pytest_configure(config: pytest.Config) -> None:
    if not RECORDING:
        _install_network_guard()


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Strip real API keys and lookup variables, and give every test an empty catalog cache.

    So no test can use or leak a key, or read (or write) the user's catalog. The whole environment
    is restored afterwards, since the CLI loads `.env` files into it (python-dotenv) in-process.
    """
    saved = dict(os.environ)
    monkeypatch.setenv("LLMHUB_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    for name in list(os.environ):
        if name in _RUNTIME_VARS or (not RECORDING and _SECRET_VAR.search(name)):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LLMHUB_NO_DOTENV", "1")  # tests that load .env files turn it back on
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def fake_server() -> Iterator[FakeOpenAIServer]:
    """An OpenAI-compatible server on 127.0.0.1 that requires the key `sk-test-local`."""
    with FakeOpenAIServer(api_key="sk-test-local") as server:
        yield server


@pytest.fixture
def local_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """Set LOCAL_LLM_KEY, the env_key the integration configs name, to the fake server's key."""
    monkeypatch.setenv("LOCAL_LLM_KEY", "sk-test-local")
    return "sk-test-local"
