"""hub.reload() and the config watcher: switching models under a running hub, through the real any-llm path."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from llmhub_runtime import ConfigError, EnvVarMissingError, LLMHub, ProviderUnavailableError
from llmhub_runtime.reload import ConfigWatcher
from llmhub_runtime.testing import FakeBackend, FakeOpenAIServer
from llmhub_runtime.testing._server import echo_reply

MESSAGES = [{"role": "user", "content": "hello"}]
KEY = "sk-test-local"


def config_text(base_url: str, model: str, *, provider: str = "local", extra_role: str = "") -> str:
    return (
        f"providers:\n  local: {{type: openai, api_base: '{base_url}', env_key: LOCAL_LLM_KEY}}\n"
        f"roles:\n  chat: {{provider: {provider}, model: {model}}}\n{extra_role}"
        "resilience: {max_retries: 0}\n"
    )


def write(path: Path, text: str) -> None:
    """Replace the file the way deploy tools do (write beside it, rename over it)."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """Wait until `condition()` holds; a generous timeout turns a hang into a failure, never a threshold."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


@pytest.fixture
def gate() -> threading.Event:
    return threading.Event()


@pytest.fixture
def held_server(gate: threading.Event) -> Iterator[FakeOpenAIServer]:
    """A local server whose replies for `model-a` wait until the test opens the gate (calls held in flight)."""

    def reply(model: str, messages: list[dict[str, Any]]) -> str:
        if model == "model-a":
            gate.wait(30)
        return echo_reply(model, messages)

    with FakeOpenAIServer(api_key=KEY, reply=reply) as server:
        yield server


def test_a_reload_under_calls_in_flight_fails_none_and_serves_the_next_calls_from_the_new_model(
    tmp_path: Path, local_key: str, held_server: FakeOpenAIServer, gate: threading.Event
) -> None:
    path = tmp_path / "llmhub.yaml"
    path.write_text(config_text(held_server.base_url, "model-a"))
    events: list[dict[str, Any]] = []
    hub = LLMHub(path, on_event=events.append)
    replies: list[str] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            replies.append(hub.completion(role="chat", messages=MESSAGES).choices[0].message.content or "")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: held_server.count(model="model-a") == 4, "four calls in flight on model-a")
        write(path, config_text(held_server.base_url, "model-b"))
        assert hub.reload() is True
        # While the four calls are still waiting for their answers, the next call goes to the new model.
        assert hub.completion(role="chat", messages=MESSAGES).choices[0].message.content == "[model-b] hello"
        assert replies == []
    finally:
        gate.set()
        for thread in threads:
            thread.join()
    assert errors == []
    assert replies == ["[model-a] hello"] * 4  # the calls in flight finished on the config they started with
    assert hub.config_version == 2
    assert events == [
        {
            "event": "config_reloaded",
            "source": str(path),
            "config_version": 2,
            "fingerprint": hub.config_fingerprint,
            "previous_fingerprint": events[0]["previous_fingerprint"],
            "roles_changed": ["chat"],
        }
    ]
    assert events[0]["previous_fingerprint"] != hub.config_fingerprint


def test_an_invalid_edit_keeps_the_old_config_serving_and_says_why(
    tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "llmhub.yaml"
    path.write_text(config_text(fake_server.base_url, "model-b"))
    events: list[dict[str, Any]] = []
    hub = LLMHub(path, on_event=events.append)
    write(path, config_text(fake_server.base_url, "model-c", provider="lcoal"))
    with caplog.at_level(logging.ERROR, logger="llmhub_runtime"), pytest.raises(ConfigError) as raised:
        hub.reload()
    assert "'lcoal' is not declared" in str(raised.value) and "did you mean 'local'" in str(raised.value)
    (event,) = events
    assert event["event"] == "config_reload_failed"
    assert event["error"] == str(raised.value) and str(path) in event["error"]
    assert event["config_version"] == 1
    assert any("was not reloaded; the previous config keeps serving" in r.getMessage() for r in caplog.records)
    assert hub.completion(role="chat", messages=MESSAGES).choices[0].message.content == "[model-b] hello"
    assert fake_server.count(model="model-c") == 0 and hub.config_version == 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("roles: {chat: [\n", "YAML"),  # half-written file
        ("providers: {}\nroles: {chat: {provider: local, model: m, temperature: 0}}\n", "params"),
        ("", "mapping"),  # truncated to nothing
    ],
)
def test_any_broken_file_is_refused_whole(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "llmhub.yaml"
    path.write_text(config_text("http://127.0.0.1:9/v1", "model-a"))
    hub = LLMHub(path, backend=FakeBackend())
    write(path, text)
    with pytest.raises(ConfigError, match=problem):
        hub.reload()
    assert hub.resolve("chat").model == "model-a"


def test_an_unchanged_file_is_not_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "llmhub.yaml"
    path.write_text(config_text("http://127.0.0.1:9/v1", "model-a"))
    events: list[dict[str, Any]] = []
    hub = LLMHub(path, backend=FakeBackend(), on_event=events.append)
    os.utime(path)  # touched, same content
    assert hub.reload() is False
    assert events == [] and hub.config_version == 1


def test_a_hub_built_from_a_dict_has_nothing_to_reload() -> None:
    hub = LLMHub(config={"providers": {"p": {}}, "roles": {"r": {"provider": "p", "model": "m"}}})
    with pytest.raises(ConfigError, match="nothing to reload"):
        hub.reload()
    with pytest.raises(ConfigError, match="watch needs a config file"):
        hub.watch(1.0)


def test_strict_env_checks_the_new_file_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCAL_LLM_KEY", "k")
    path = tmp_path / "llmhub.yaml"
    path.write_text(config_text("http://127.0.0.1:9/v1", "model-a"))
    hub = LLMHub(path, backend=FakeBackend(), strict_env=True)
    write(path, config_text("http://127.0.0.1:9/v1", "model-b").replace("LOCAL_LLM_KEY", "OTHER_KEY"))
    with pytest.raises(EnvVarMissingError, match="OTHER_KEY"):
        hub.reload()
    assert hub.resolve("chat").model == "model-a"


BREAKER_FILE = """\
providers:
  a: {{type: openai, api_base: '{a_base}'}}
  b: {{type: openai}}
roles:
  r: {{provider: a, model: m, fallbacks: [{{provider: b, model: n}}]}}
  other: {{provider: b, model: {other}}}
resilience: {{max_retries: 0, circuit_breaker: {{failure_threshold: 1, cooldown_seconds: 600}}}}
"""


def open_circuit(tmp_path: Path) -> tuple[LLMHub, Path, FakeBackend]:
    path = tmp_path / "llmhub.yaml"
    path.write_text(BREAKER_FILE.format(a_base="http://127.0.0.1:1/v1", other="x"))
    fake = FakeBackend()
    hub = LLMHub(path, backend=fake)
    fake.add_error(ProviderUnavailableError("down"), role="r")
    hub.completion(role="r", messages=MESSAGES)  # fails over to b:n and opens a:m's circuit
    assert hub.circuit_open("a", "m")
    return hub, path, fake


def test_breaker_state_carries_over_for_targets_the_reload_did_not_change(tmp_path: Path) -> None:
    hub, path, fake = open_circuit(tmp_path)
    write(path, BREAKER_FILE.format(a_base="http://127.0.0.1:1/v1", other="y"))  # only another role changed
    assert hub.reload()
    assert hub.circuit_open("a", "m")
    fake.reset()
    hub.completion(role="r", messages=MESSAGES)
    assert [c.model for c in fake.calls] == ["n"]  # still skipped: straight to the fallback


def test_a_target_whose_endpoint_changed_starts_with_a_closed_circuit(tmp_path: Path) -> None:
    hub, path, fake = open_circuit(tmp_path)
    write(path, BREAKER_FILE.format(a_base="http://127.0.0.1:2/v1", other="x"))  # a moved to another server
    assert hub.reload()
    assert not hub.circuit_open("a", "m")
    fake.reset()
    hub.completion(role="r", messages=MESSAGES)
    assert [c.model for c in fake.calls] == ["m"]


def test_a_changed_provider_block_gets_a_new_client(tmp_path: Path) -> None:
    seen: list[str | None] = []

    class Spy(FakeBackend):
        def invoke(self, request: Any) -> Any:
            seen.append(request.connection.api_base)
            return super().invoke(request)

    path = tmp_path / "llmhub.yaml"
    path.write_text(BREAKER_FILE.format(a_base="http://127.0.0.1:1/v1", other="x"))
    hub = LLMHub(path, backend=Spy())
    hub.completion(role="r", messages=MESSAGES)
    write(path, BREAKER_FILE.format(a_base="http://127.0.0.1:2/v1", other="x"))
    hub.reload()
    hub.completion(role="r", messages=MESSAGES)
    assert seen == ["http://127.0.0.1:1/v1", "http://127.0.0.1:2/v1"]


def test_the_watcher_reloads_a_changed_file_and_reports_a_broken_one(tmp_path: Path) -> None:
    path = tmp_path / "llmhub.yaml"
    path.write_text(config_text("http://127.0.0.1:9/v1", "model-a"))
    events: list[dict[str, Any]] = []
    with LLMHub(path, backend=FakeBackend(), on_event=events.append, watch=0.01) as hub:
        write(path, config_text("http://127.0.0.1:9/v1", "model-b"))
        wait_for(lambda: hub.resolve("chat").model == "model-b", "the watcher to load model-b")
        write(path, "roles: {chat: [\n")
        wait_for(lambda: len(events) == 2, "the watcher to report the broken file")
        assert [e["event"] for e in events] == ["config_reloaded", "config_reload_failed"]
        assert hub.resolve("chat").model == "model-b"
        assert hub._watcher is not None and hub._watcher.running
    assert hub._watcher is None  # close() stopped it


def test_the_watcher_reports_each_change_once(tmp_path: Path) -> None:
    path = tmp_path / "llmhub.yaml"
    path.write_text("a")
    changes: list[int] = []
    watcher = ConfigWatcher(path, 3600, lambda: changes.append(1))  # polled by hand, not started
    assert watcher.check() is False
    write(path, "b")
    assert watcher.check() is True
    assert watcher.check() is False
    path.unlink()
    assert watcher.check() is False  # a missing file is logged, not reloaded
    write(path, "c")
    assert watcher.check() is True
    assert changes == [1, 1]


def test_the_watcher_survives_a_reload_that_raises(tmp_path: Path) -> None:
    path = tmp_path / "llmhub.yaml"
    path.write_text("a")

    def boom() -> None:
        raise ConfigError("broken", source=str(path))

    watcher = ConfigWatcher(path, 3600, boom)
    write(path, "b")
    assert watcher.check() is True


def test_a_watch_interval_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="positive"):
        ConfigWatcher(tmp_path / "llmhub.yaml", 0, lambda: None)


def test_assigning_a_config_swaps_it_whole(tmp_path: Path) -> None:
    hub = LLMHub(
        config={"providers": {"p": {}}, "roles": {"r": {"provider": "p", "model": "m"}}}, backend=FakeBackend()
    )
    new = hub.config.model_copy(update={"roles": {"r": hub.config.roles["r"].model_copy(update={"model": "n"})}})
    hub.config = new
    assert hub.resolve("r").model == "n" and hub.config_version == 2
    broken = new.model_copy(update={"roles": {"r": new.roles["r"].model_copy(update={"provider": "nope"})}})
    with pytest.raises(ConfigError, match="'nope' is not declared"):
        hub.config = broken
    assert hub.resolve("r").model == "n"


def test_a_discarded_hub_stops_its_watcher(tmp_path: Path) -> None:
    import gc

    path = tmp_path / "llmhub.yaml"
    path.write_text(config_text("http://127.0.0.1:9/v1", "model-a"))
    hub = LLMHub(path, backend=FakeBackend(), watch=0.01)
    watcher = hub._watcher
    assert watcher is not None and watcher.running
    del hub
    gc.collect()
    wait_for(lambda: not watcher._thread.is_alive(), "the watcher thread to end")
