"""LiteLLM's lifecycle facts (deprecation dates, successors) and the text-to-image board, in catalog builds."""

import json
import os
import shutil
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from llmhub.catalog import build_catalog
from llmhub.catalog.browse import arena_entries, catalog_summary
from llmhub.catalog.lifecycle import litellm_model_id
from llmhub.catalog.models import Catalog, SourceStatus
from llmhub.catalog.overrides import load_overrides
from llmhub.catalog.sources import arena, arena_dataset, litellm, modelsdev
from llmhub.catalog.sources._http import RawPayload
from llmhub.errors import SourceError

LITELLM = {
    "sample_spec": {"litellm_provider": "one of the providers", "deprecation_date": "date in YYYY-MM-DD"},
    "gpt-4.1": {
        "litellm_provider": "openai",
        "mode": "chat",
        "max_input_tokens": 1047576,
        "deprecation_date": "2027-01-15",
        "successor_model": "gpt-5",
        "supported_modalities": ["text", "image"],
    },
    "openai/gpt-4.1": {"litellm_provider": "openai", "deprecation_date": "2027-01-15"},  # agrees
    "azure/gpt-4.1-mini": {"litellm_provider": "azure", "deprecation_date": "2026-01-01"},  # another provider
    "o1": {"litellm_provider": "openai", "deprecation_date": "2027-03-01"},
    "openai/o1": {"litellm_provider": "openai", "deprecation_date": "2027-04-01"},  # disagrees: neither
    "gemini/gemini-2.5-pro": {
        "litellm_provider": "gemini",
        "deprecation_date": "2026-05-01",
        "successor_model": "gemini/gemini-3-pro",
    },
    "anthropic/claude-opus-4-5-20251101": {"litellm_provider": "anthropic", "successor_model": "claude-opus-5"},
    "claude-opus-latest": {"alias_of": "claude-opus-4-5-20251101"},  # no provider: skipped
    "text-embedding-3-small": {"litellm_provider": "openai", "deprecation_date": "someday"},  # not a date
    "orphan": {"deprecation_date": "2026-01-01"},  # no provider
    "high/1024-x-1024/gpt-image-1": {"litellm_provider": "openai", "deprecation_date": "2026-02-01"},
    "fallback_generalizations": {"rules": [{"match": "x"}]},
}


def _mirror(
    tmp_path: Path,
    mini_dir: Path,
    *,
    litellm_data: Any = LITELLM,
    indent: int | None = 4,
    image_board: dict[str, Any] | None = None,
) -> Path:
    """The mini mirror plus a LiteLLM file (and optionally a text-to-image board)."""
    directory = tmp_path / "mirror"
    shutil.copytree(mini_dir, directory)
    if litellm_data is not None:
        (directory / "litellm").mkdir()
        (directory / litellm.LOCAL_PATH).write_text(json.dumps(litellm_data, indent=indent), encoding="utf-8")
    if image_board is not None:
        (directory / "arena-catalog" / "data" / arena.BOARDS["image"]).write_text(json.dumps(image_board))
    return directory


def _payload(data: Any, indent: int | None = 4) -> RawPayload:
    return RawPayload(body=json.dumps(data, indent=indent).encode(), origin="test", fetched_at="now")


def _source(catalog: Catalog, name: str) -> SourceStatus:
    """How one source fared in the catalog's build: the test expects it to be listed."""
    status = catalog.source(name)
    assert status is not None, name
    return status


@pytest.mark.parametrize(
    ("key", "provider", "expected"),
    [
        ("openai/gpt-4o-2024-05-13", "openai", "gpt-4o-2024-05-13"),
        ("gpt-4o-2024-05-13", "openai", "gpt-4o-2024-05-13"),
        ("anthropic/claude-3-opus-20240229", "anthropic", "claude-3-opus-20240229"),
        ("vertex_ai/claude-opus-4-5@20251101", "vertex_ai-anthropic_models", "claude-opus-4-5@20251101"),
        (
            "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo",
            "together_ai",
            "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        ),
        ("anthropic.claude-sonnet-4-20250514-v1:0", "bedrock_converse", "anthropic.claude-sonnet-4-20250514-v1:0"),
        ("bedrock/us-east-1/anthropic.claude-v2", "bedrock", "us-east-1/anthropic.claude-v2"),  # a region path stays
        ("high/1024-x-1024/gpt-image-1", "openai", "high/1024-x-1024/gpt-image-1"),  # a tier path stays
        ("meta-llama/Llama-3-8b", "openrouter", "meta-llama/Llama-3-8b"),  # another lab's prefix stays
    ],
)
def test_litellm_keys_lose_only_their_routing_prefix(key: str, provider: str, expected: str) -> None:
    assert litellm_model_id(key, provider) == expected


@pytest.mark.parametrize("indent", [4, 2, None])
def test_litellm_parse_reads_only_lifecycle_entries_in_any_layout(indent: int | None) -> None:
    facts = litellm.parse(_payload(LITELLM, indent))
    by_key = {e.key: e for e in facts.entries}
    assert set(by_key) == {
        "gpt-4.1", "openai/gpt-4.1", "azure/gpt-4.1-mini", "o1", "openai/o1", "gemini/gemini-2.5-pro",
        "anthropic/claude-opus-4-5-20251101", "high/1024-x-1024/gpt-image-1",
    }  # fmt: skip
    assert by_key["gpt-4.1"] == litellm.LifecycleEntry("gpt-4.1", "openai", "2027-01-15", "gpt-5")
    assert by_key["anthropic/claude-opus-4-5-20251101"].deprecation_date is None
    assert facts.invalid == 2  # "someday" is not a date; "orphan" has no provider


def test_the_quick_scan_gives_the_full_parse_result_or_steps_aside() -> None:
    body = json.dumps(LITELLM, indent=4).encode()
    assert litellm._scan(body) is not None
    quick = litellm.parse(RawPayload(body=body, origin="t", fetched_at="f"))
    full = litellm.parse(_payload(LITELLM, indent=None))
    assert quick == full
    # The field name somewhere the scan does not expect it: the whole file is parsed instead.
    odd = dict(LITELLM, nested={"litellm_provider": "openai", "notes": {"deprecation_date": "2026-01-01"}})
    assert litellm._scan(json.dumps(odd, indent=4).encode()) is None
    assert litellm.parse(_payload(odd)) == full
    escaped = dict(LITELLM, weird={"litellm_provider": "openai", "deprecation_date": "2027-01-01", "note": 'say "hi"'})
    assert litellm.parse(_payload(escaped)).entries[-1] == litellm.LifecycleEntry("weird", "openai", "2027-01-01")


def test_litellm_that_is_not_json_is_a_source_error() -> None:
    with pytest.raises(SourceError, match=r"litellm: .*not valid JSON"):
        litellm.parse(RawPayload(body=b"<html>", origin="o", fetched_at="f"))
    with pytest.raises(SourceError, match="expected an object"):
        litellm.parse(RawPayload(body=b"[1, 2]", origin="o", fetched_at="f"))


def test_a_build_takes_lifecycle_facts_from_litellm(tmp_path: Path, mini_dir: Path) -> None:
    catalog = build_catalog(sources_dir=_mirror(tmp_path, mini_dir), today=date(2026, 4, 1))
    gpt = catalog["openai:gpt-4.1"]
    assert (gpt.lifecycle.deprecation_date, gpt.lifecycle.successor, gpt.lifecycle.deprecated) == (
        "2027-01-15",
        "gpt-5",
        False,
    )
    status = _source(catalog, "litellm")
    assert status.detail is not None
    assert (
        status.status == "local"
        and status.entries == 8
        and status.snapshot is not None
        and status.snapshot.startswith("sha256:")
    )
    assert gpt.source_of("lifecycle") == {
        "source": "litellm",
        "snapshot": status.snapshot,
        "detail": "LiteLLM gpt-4.1, openai/gpt-4.1",
    }
    # The same model at another host is another provider's listing: LiteLLM's openai entry says nothing of it.
    assert catalog["openrouter:openai/gpt-4.1"].lifecycle.deprecation_date is None
    # Another provider (azure) and a tier path match nothing; disagreeing entries give nothing.
    assert catalog["openai:gpt-4.1-mini"].lifecycle.deprecation_date is None
    assert catalog["openai:gpt-image-1"].lifecycle.deprecation_date is None
    assert catalog["openai:o1"].lifecycle.deprecation_date is None
    # The successor is the provider's own id, without LiteLLM's routing prefix.
    gemini = catalog["gemini:gemini-2.5-pro"]
    assert (gemini.lifecycle.deprecation_date, gemini.lifecycle.successor) == ("2026-05-01", "gemini-3-pro")
    assert not gemini.lifecycle.deprecated  # 2026-05-01 is after the build's date
    assert catalog["anthropic:claude-opus-4-5-20251101"].lifecycle.successor == "claude-opus-5"
    assert "lifecycle" not in catalog["anthropic:claude-opus-4-5"].provenance  # the alias: not the dated id
    assert "6 of 8 LiteLLM entries with lifecycle facts matched" in status.detail
    assert "left out (entries disagree)" in status.detail


def test_a_deprecation_date_that_has_passed_marks_the_model_deprecated(tmp_path: Path, mini_dir: Path) -> None:
    directory = _mirror(tmp_path, mini_dir)
    catalog = build_catalog(sources_dir=directory, today=date(2026, 5, 1))  # on the day itself
    gemini = catalog["gemini:gemini-2.5-pro"]
    assert gemini.lifecycle.deprecated and "deprecated" in gemini.tags
    assert gemini.lifecycle.status is None  # models.dev's own status is left as models.dev gave it
    assert not catalog["openai:gpt-4.1"].lifecycle.deprecated
    assert "1 past their date marked deprecated" in (_source(catalog, "litellm").detail or "")
    # The build's day is an input: another day builds again instead of reusing the cached catalog.
    later = build_catalog(sources_dir=directory, today=date(2027, 2, 1))
    assert later.built_at >= catalog.built_at and later["openai:gpt-4.1"].lifecycle.deprecated


def test_the_users_overrides_keep_their_word_on_deprecation(tmp_path: Path, mini_dir: Path) -> None:
    overrides_file = tmp_path / "overrides.yaml"
    overrides_file.write_text(
        "version: 1\nmodels:\n  - provider: gemini\n    model_id: gemini-2.5-pro\n    deprecated: false\n"
    )
    catalog = build_catalog(
        sources_dir=_mirror(tmp_path, mini_dir), overrides=load_overrides(overrides_file), today=date(2026, 9, 1)
    )
    gemini = catalog["gemini:gemini-2.5-pro"]
    assert gemini.lifecycle.deprecation_date == "2026-05-01" and not gemini.lifecycle.deprecated


def test_models_dev_lifecycle_facts_are_kept(tmp_path: Path, mini_dir: Path) -> None:
    directory = _mirror(tmp_path, mini_dir)
    api = json.loads((directory / modelsdev.LOCAL_PATH).read_text())
    assert api["anthropic"]["models"]["claude-3-opus-20240229"]["status"] == "deprecated"
    catalog = build_catalog(sources_dir=directory, today=date(2026, 4, 1))
    assert catalog["anthropic:claude-3-opus-20240229"].lifecycle.deprecated  # models.dev's status stands


def test_a_mirror_without_litellm_has_no_lifecycle_facts_and_says_nothing(mini_dir: Path) -> None:
    catalog = build_catalog(sources_dir=mini_dir)
    assert catalog.source("litellm") is None
    assert all(m.lifecycle.deprecation_date is None and m.lifecycle.successor is None for m in catalog)


def test_an_unreadable_litellm_file_is_reported_not_fatal(tmp_path: Path, mini_dir: Path) -> None:
    directory = _mirror(tmp_path, mini_dir)
    (directory / litellm.LOCAL_PATH).write_text("{not json")
    catalog = build_catalog(sources_dir=directory)
    status = _source(catalog, "litellm")
    assert status.detail is not None
    assert status.status == "failed" and "not valid JSON" in status.detail
    assert catalog["openai:gpt-4.1"].lifecycle.deprecation_date is None


IMAGE_BOARD = {
    "full": {
        "gpt-image-1": {"rating": 1161.2, "rating_q975": 1168.0, "rating_q025": 1154.4},
        "gpt-4.1": {"rating": 1000.0, "rating_q975": 1010.0, "rating_q025": 990.0},  # a chat model's name
        "imagen-4.0-generate-001": {"rating": 1150.0, "rating_q975": 1156.0, "rating_q025": 1144.0},
    },
    "not_preset_generation": {"gpt-image-1": {"rating": 1170.0}},
}


def test_the_text_to_image_board_scores_image_models_only(tmp_path: Path, mini_dir: Path) -> None:
    catalog = build_catalog(sources_dir=_mirror(tmp_path, mini_dir, litellm_data=None, image_board=IMAGE_BOARD))
    image = catalog["openai:gpt-image-1"]
    assert image.image.score == 1161.2 and image.quality.score is None and image.tiers.quality is None
    assert image.source_of("image")["detail"] == "arena entry gpt-image-1 (exact match)"
    assert catalog["openai:gpt-4.1"].image.score is None  # a chat model never takes an image score
    status = _source(catalog, "lmarena-image")
    assert status.detail is not None
    assert (status.status, status.entries) == ("local", 3) and "CC-BY-4.0" in status.detail
    entries = {e.arena_name: e for e in catalog.arena if e.board == "image"}
    assert set(entries) == set(IMAGE_BOARD["full"])
    assert [m.model_id for m in entries["gpt-image-1"].matches] == ["gpt-image-1"]
    assert not entries["gpt-4.1"].matches
    # Auditable like the other boards: `llmhub catalog arena --board image` and the refresh summary.
    unmatched = [e.entry.arena_name for e in arena_entries(catalog, "image", unmatched=True)]
    assert "gpt-4.1" in unmatched and "gpt-image-1" not in unmatched
    scored = [m.canonical_id for m in catalog if m.image.score is not None]
    assert scored == ["openai:gpt-image-1"]
    assert catalog_summary(catalog)["arena"]["image"] == {
        "entries": 3,
        "matched": 1,
        "unmatched": 2,
        "scored_models": 1,
    }


def test_the_text_board_keeps_its_language_categories(tmp_path: Path, mini_dir: Path) -> None:
    directory = _mirror(tmp_path, mini_dir, litellm_data=None)
    path = directory / "arena-catalog" / "data" / arena.BOARDS["text"]
    board = json.loads(path.read_text())
    board["german"] = {"gpt-4.1-2025-04-14": {"rating": 1401.5}}
    board["japanese"] = {"gpt-4.1-2025-04-14": {"rating": 1388.0}}
    board["no_tie"] = {"gpt-4.1-2025-04-14": {"rating": 1410.0}}
    path.write_text(json.dumps(board))
    gpt = build_catalog(sources_dir=directory)["openai:gpt-4.1"]
    assert gpt.quality.scores["german"] == 1401.5 and gpt.quality.scores["japanese"] == 1388.0
    assert "no_tie" not in gpt.quality.scores
    assert set(arena.LANGUAGE_CATEGORIES) == {
        "chinese", "english", "french", "german", "japanese", "korean", "russian", "spanish"
    }  # fmt: skip


class _FileHandler(BaseHTTPRequestHandler):
    body = b""

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)


def test_a_live_build_fetches_litellm_and_keeps_the_copy_for_offline_builds(
    mini_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _FileHandler.body = json.dumps(LITELLM, indent=4).encode()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FileHandler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    try:
        monkeypatch.setattr(litellm, "URL", f"http://127.0.0.1:{server.server_address[1]}/litellm.json")
        monkeypatch.setattr(modelsdev, "fetch_live", lambda previous, timeout: (modelsdev.load_local(mini_dir), True))
        monkeypatch.setattr(
            arena, "fetch_live", lambda board, previous, timeout: (arena.load_local(mini_dir, board), True)
        )
        monkeypatch.setenv(arena_dataset.BASE_URL_VAR, "http://127.0.0.1:9")  # nothing listens: the fallback is used
        live = build_catalog(discover=False, today=date(2026, 4, 1))
        assert _source(live, "litellm").status == "live" and live["openai:gpt-4.1"].lifecycle.successor == "gpt-5"
        again = build_catalog(discover=False, today=date(2026, 4, 1), force_refresh=True)
        assert _source(again, "litellm").status == "not-modified"
    finally:
        server.shutdown()
        server.server_close()
    offline = build_catalog(offline=True, today=date(2026, 4, 1))
    assert _source(offline, "litellm").status == "cached"
    assert offline["openai:gpt-4.1"].lifecycle.deprecation_date == "2027-01-15"


def test_a_live_build_without_litellm_goes_on(mini_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(modelsdev, "fetch_live", lambda previous, timeout: (modelsdev.load_local(mini_dir), True))
    monkeypatch.setattr(arena, "fetch_live", lambda board, previous, timeout: (arena.load_local(mini_dir, board), True))
    monkeypatch.setattr(litellm, "URL", "http://127.0.0.1:9/litellm.json")
    monkeypatch.setenv(arena_dataset.BASE_URL_VAR, "http://127.0.0.1:9")
    catalog = build_catalog(discover=False)
    status = _source(catalog, "litellm")
    # Never fetched here: the bundled snapshot's lifecycle facts, and the detail says why.
    assert status.status == "bundled" and status.detail is not None and status.detail.startswith("cannot fetch")
    assert catalog["openai:gpt-4.1"].quality.score == 1412.2


SNAPSHOTS = os.environ.get("LLMHUB_TEST_SNAPSHOTS")


@pytest.mark.skipif(not SNAPSHOTS, reason="LLMHUB_TEST_SNAPSHOTS is not set")
@pytest.mark.parametrize("generation", ["catalog-snapshots", "catalog-snapshots-2026-09"])
def test_the_quick_scan_matches_a_full_parse_of_the_real_files(generation: str) -> None:
    assert SNAPSHOTS is not None
    directory = Path(SNAPSHOTS).parent / generation
    if not (directory / litellm.LOCAL_PATH).is_file():
        pytest.skip(f"no {generation} next to LLMHUB_TEST_SNAPSHOTS")
    payload = litellm.load_local(directory)
    assert litellm._scan(payload.body) is not None  # the real layout takes the quick path
    quick = litellm.parse(payload)
    full = litellm.parse(RawPayload(body=json.dumps(json.loads(payload.body)).encode(), origin="o", fetched_at="f"))
    assert quick == full and len(quick.entries) > 900
