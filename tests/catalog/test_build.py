import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from llmhub.catalog import build_catalog, get_catalog
from llmhub.catalog import gather as gather_module
from llmhub.catalog.cache import CachedCatalog, CatalogCache, default_cache_dir
from llmhub.catalog.sources import arena, modelsdev
from llmhub.catalog.sources._http import RawPayload
from llmhub.catalog.sources.arena import Board
from llmhub.errors import CatalogError, SourceError
from llmhub_runtime.testing import FakeOpenAIServer


def test_build_from_a_local_mirror(mini_dir: Path) -> None:
    catalog = build_catalog(sources_dir=mini_dir)
    gpt = catalog["openai:gpt-4.1"]
    assert (gpt.pricing.input, gpt.pricing.output, gpt.limits.context) == (2.0, 8.0, 1047576)
    assert (gpt.quality.arena_id, gpt.quality.match, gpt.quality.score) == ("gpt-4.1-2025-04-14", "alias", 1412.2)
    assert gpt.quality.coding == 1453.5 and gpt.vision.score == 1215.4
    assert gpt.identity.callable and gpt.identity.modelsdev_provider == "openai" and gpt.identity.anyllm_id == "gpt-4.1"
    # The same model at another host takes the same score; a models.dev provider any-llm lacks is kept.
    assert catalog["openrouter:openai/gpt-4.1"].quality.arena_id == "gpt-4.1-2025-04-14"
    assert catalog["somehost:odd-model"].identity.callable is False
    # models.dev's google is any-llm's gemini; deprecated models are kept and flagged.
    assert catalog["gemini:gemini-2.5-pro"].pricing.context_tiers[0].above_tokens == 200000
    assert catalog["anthropic:claude-3-opus-20240229"].lifecycle.deprecated
    assert "deprecated" in catalog["anthropic:claude-3-opus-20240229"].tags
    assert [s.name for s in catalog.sources] == ["models.dev", "lmarena-text", "lmarena-vision", "any-llm"]
    assert {s.name: s.status for s in catalog.sources}["any-llm"] == "skipped"  # no network with a mirror


def test_environment_variable_selects_the_mirror(mini_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMHUB_CATALOG_SOURCES", str(mini_dir))
    assert {s.status for s in build_catalog().sources if s.name == "models.dev"} == {"local"}


def test_not_a_sources_directory(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="is not a catalog sources directory"):
        build_catalog(sources_dir=tmp_path)


def test_missing_arena_files_build_without_scores_and_say_so(tmp_path: Path, mini_dir: Path) -> None:
    (tmp_path / "models.dev").mkdir()
    (tmp_path / "models.dev" / "api.json").write_bytes((mini_dir / "models.dev" / "api.json").read_bytes())
    catalog = build_catalog(sources_dir=tmp_path)
    assert all(m.quality.score is None and m.tiers.quality is None for m in catalog)
    assert any("quality scores from it are missing" in w for w in catalog.warnings)
    assert {s.name: s.status for s in catalog.sources}["lmarena-text"] == "missing"


def test_second_build_is_served_from_the_cache(mini_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = build_catalog(sources_dir=mini_dir)

    def must_not_rebuild(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("rebuilt although the cache was fresh")

    monkeypatch.setattr(gather_module, "fuse", must_not_rebuild)
    second = build_catalog(sources_dir=mini_dir)
    assert second.built_at == first.built_at
    assert [m.to_dict() for m in second] == [m.to_dict() for m in first]
    with pytest.raises(AssertionError, match="rebuilt"):
        build_catalog(sources_dir=mini_dir, force_refresh=True)


def test_serving_a_cached_catalog_does_not_import_the_build(mini_dir: Path, tmp_path: Path) -> None:
    # The sources' parsers, the arena mapper and the fusion (~40 ms of imports) are for building:
    # a command served from the cache, such as generate, never pays for them.
    code = (
        "import sys; from llmhub.catalog import build_catalog; "
        f"build_catalog(sources_dir={str(mini_dir)!r}, cache_dir={str(tmp_path)!r}); "
        "print(sorted(m for m in ('llmhub.catalog.gather', 'llmhub.catalog.fuse', 'rapidfuzz') if m in sys.modules))"
    )
    built = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert built.stdout.strip() != "[]"  # the first build does import them
    served = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert served.stdout.strip() == "[]"


def test_a_changed_mirror_file_invalidates_the_cache(tmp_path: Path, mini_dir: Path) -> None:
    for relative in ("models.dev/api.json", "arena-catalog/data/leaderboard-text-style-control.json"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes((mini_dir / relative).read_bytes())
    assert build_catalog(sources_dir=tmp_path)["openai:gpt-4.1"].pricing.input == 2.0
    api = tmp_path / "models.dev" / "api.json"
    api.write_text(api.read_text().replace('"input": 2, "output": 8, "cache_read": 0.5', '"input": 3, "output": 8'))
    assert build_catalog(sources_dir=tmp_path)["openai:gpt-4.1"].pricing.input == 3.0


def test_get_catalog_filters(mini_dir: Path) -> None:
    embeddings = get_catalog(kind="embedding", sources_dir=mini_dir)
    assert {m.model_id for m in embeddings} == {"text-embedding-3-small", "text-embedding-3-large"}
    tools = get_catalog(provider="openai", tags=["tools", "vision"], sources_dir=mini_dir)
    assert {m.model_id for m in tools} == {"gpt-4.1", "gpt-4.1-mini", "gpt-5"}
    assert all(m.identity.callable for m in get_catalog(callable_only=True, sources_dir=mini_dir))


@pytest.fixture
def live_sources(mini_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Live mode with the network replaced: each source answers from the mini mirror, or fails."""
    state = {"modelsdev": True, "arena": True, "calls": 0}

    def modelsdev_fetch(previous: RawPayload | None, timeout: float) -> tuple[RawPayload, bool]:
        state["calls"] += 1
        if not state["modelsdev"]:
            raise SourceError("models.dev", "network unreachable")
        return modelsdev.load_local(mini_dir), True

    def arena_fetch(board: Board, previous: RawPayload | None, timeout: float) -> tuple[RawPayload, bool]:
        if not state["arena"]:
            raise SourceError(arena.source_name(board), "network unreachable")
        return arena.load_local(mini_dir, board), True

    monkeypatch.setattr(modelsdev, "fetch_live", modelsdev_fetch)
    monkeypatch.setattr(arena, "fetch_live", arena_fetch)
    return state


def test_live_build_and_ttl(live_sources: dict[str, int]) -> None:
    first = build_catalog(discover=False)
    assert {s.name: s.status for s in first.sources}["models.dev"] == "live"
    assert build_catalog(discover=False).built_at == first.built_at  # fresh: from the cache
    assert live_sources["calls"] == 1
    build_catalog(discover=False, ttl_hours=0)  # stale: rebuilt
    assert live_sources["calls"] == 2


def test_offline_first_run_falls_back_to_bundled_data(live_sources: dict[str, int]) -> None:
    live_sources["modelsdev"] = live_sources["arena"] = False
    catalog = build_catalog(discover=False)
    statuses = {s.name: s.status for s in catalog.sources}
    # Never fetched here: the 2026-09 snapshot bundled with llmhub for every source, ratings included.
    assert statuses["models.dev"] == "bundled" and statuses["lmarena-text"] == "bundled"
    assert len(catalog) > 8000 and sum(1 for m in catalog if m.quality.score is not None) > 1000
    assert any("could not fetch models.dev, lmarena-text" in w for w in catalog.warnings)


def test_offline_mode_never_touches_the_network(live_sources: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("offline mode tried the network")

    monkeypatch.setattr(modelsdev, "fetch_live", no_network)
    monkeypatch.setattr(arena, "fetch_live", no_network)
    monkeypatch.setenv("LLMHUB_OFFLINE", "1")
    catalog = build_catalog()
    statuses = {s.name: (s.status, s.detail or "") for s in catalog.sources}
    assert statuses["models.dev"][0] == "bundled" and "offline" in statuses["models.dev"][1]
    # Never fetched here: the snapshot bundled with llmhub stands in, for the arena as for models.dev.
    assert statuses["lmarena-text"][0] == "bundled" and "bundled with llmhub" in statuses["lmarena-text"][1]
    assert catalog.source("lmarena-text").snapshot == "2026-07-08 (bundled)"  # type: ignore[union-attr]
    assert statuses["any-llm"] == ("skipped", "offline")


def test_offline_mode_prefers_the_last_fetched_copies(live_sources: dict[str, int]) -> None:
    live = build_catalog(discover=False)
    offline = build_catalog(offline=True)
    statuses = {s.name: s.status for s in offline.sources}
    assert statuses["models.dev"] == statuses["lmarena-text"] == "cached"
    assert offline["openai:gpt-4.1"].quality.score == live["openai:gpt-4.1"].quality.score == 1412.2
    assert build_catalog(discover=False).built_at == live.built_at  # the live slot is left alone


def test_cached_catalog_reads_without_building(live_sources: dict[str, int], mini_dir: Path) -> None:
    from llmhub.catalog.build import cached_catalog

    assert cached_catalog(mini_dir) is None
    built = build_catalog(sources_dir=mini_dir)
    cached = cached_catalog(mini_dir)
    assert cached is not None and cached.built_at == built.built_at
    assert cached_catalog() is None  # the live slot is a different one


def test_offline_the_offline_catalog_is_read_first(live_sources: dict[str, int]) -> None:
    # doctor --offline must judge llmhub.yaml against the catalog generate --offline used.
    from llmhub.catalog.build import cached_catalog

    live = build_catalog(discover=False)
    offline = build_catalog(offline=True)
    assert live.built_at != offline.built_at or live.sources != offline.sources
    seen_offline = cached_catalog(offline=True)
    seen_live = cached_catalog(offline=False)
    assert seen_offline is not None and seen_offline.sources == offline.sources
    assert seen_live is not None and seen_live.sources == live.sources


def test_failed_refresh_uses_the_last_fetched_copy(live_sources: dict[str, int]) -> None:
    first = build_catalog(discover=False)
    live_sources["modelsdev"] = False
    second = build_catalog(discover=False, force_refresh=True)
    assert {s.name: s.status for s in second.sources}["models.dev"] == "cached"
    assert second["openai:gpt-4.1"].pricing.input == first["openai:gpt-4.1"].pricing.input


def test_degraded_refresh_keeps_the_last_good_catalog(live_sources: dict[str, int]) -> None:
    good = build_catalog(discover=False)
    assert good["openai:gpt-4.1"].quality.score == 1412.2
    # The arena is unreachable and its cached copy is gone: a rebuild would lose every score.
    cache = CatalogCache(default_cache_dir())
    cache._open().delete("raw:lmarena-text")
    cache.close()
    live_sources["arena"] = False
    kept = build_catalog(discover=False, force_refresh=True)
    assert kept.built_at == good.built_at
    assert kept["openai:gpt-4.1"].quality.score == 1412.2
    assert any("refresh came out degraded (lmarena-text" in w for w in kept.warnings)
    # ...and the cache still holds the good one.
    live_sources["arena"] = True
    assert build_catalog(discover=False).built_at == good.built_at


def test_degraded_refresh_keeps_a_catalog_cached_before_summaries(live_sources: dict[str, int]) -> None:
    # Caches written by an older llmhub hold the catalog but no summary of it.
    good = build_catalog(discover=False)
    cache = CatalogCache(default_cache_dir())
    for key in [k for k in cache._open().iterkeys() if str(k).startswith(("summary:", "raw:lmarena-text"))]:
        cache._open().delete(key)
    cache.close()
    live_sources["arena"] = False
    kept = build_catalog(discover=False, force_refresh=True)
    assert kept.built_at == good.built_at
    assert kept["openai:gpt-4.1"].quality.score == 1412.2


def test_refresh_reads_only_the_summary_of_the_last_catalog(mini_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_catalog(sources_dir=mini_dir)
    loads: list[str] = []
    original = CatalogCache.load_catalog

    def load_catalog(self: CatalogCache, key: str) -> CachedCatalog | None:
        loads.append(key)
        return original(self, key)

    monkeypatch.setattr(CatalogCache, "load_catalog", load_catalog)
    refreshed = build_catalog(sources_dir=mini_dir, force_refresh=True)
    assert loads == []  # its thousands of models are not unpickled just to be replaced
    assert build_catalog(sources_dir=mini_dir).built_at == refreshed.built_at
    assert len(loads) == 1


def test_corrupt_cache_is_moved_aside_and_rebuilt(mini_dir: Path) -> None:
    build_catalog(sources_dir=mini_dir)
    directory = default_cache_dir()
    for path in directory.glob("*.db"):
        path.write_bytes(b"this is not a sqlite database" * 100)
    catalog = build_catalog(sources_dir=mini_dir)
    assert catalog["openai:gpt-4.1"].quality.arena_id == "gpt-4.1-2025-04-14"
    assert any("was unreadable" in w for w in catalog.warnings)
    assert list(directory.parent.glob("catalog.corrupt-*"))


def test_unreadable_cache_entry_is_a_miss(mini_dir: Path) -> None:
    build_catalog(sources_dir=mini_dir)
    cache = CatalogCache(default_cache_dir())
    key = next(k for k in cache._open().iterkeys() if str(k).startswith("catalog:"))
    cache._open().set(key, {"version": -1})
    cache.close()
    assert len(build_catalog(sources_dir=mini_dir)) > 10


def test_concurrent_processes_do_not_corrupt_the_cache(mini_dir: Path, tmp_path: Path) -> None:
    code = (
        "import sys; from llmhub.catalog import build_catalog; "
        f"c = build_catalog(sources_dir={str(mini_dir)!r}, force_refresh=True); "
        "print(len(c), c['openai:gpt-4.1'].quality.score)"
    )
    env = {**__import__("os").environ, "LLMHUB_CACHE_DIR": str(tmp_path / "shared-cache")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
    assert {out.strip() for out, _ in outputs} == {f"{len(build_catalog(sources_dir=mini_dir))} 1412.2"}
    cache = CatalogCache(tmp_path / "shared-cache" / "catalog")
    assert any(
        cache.load_catalog(k[len("catalog:") :]) for k in cache._open().iterkeys() if str(k).startswith("catalog:")
    )
    cache.close()


def test_discovery_marks_availability_and_adds_unknown_ids(mini_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeOpenAIServer(api_key="sk-disc") as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-disc")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        catalog = build_catalog(sources_dir=mini_dir, discover=True)
    discovered = catalog["openai:fake-chat"]
    assert (
        discovered.availability.listed is True
        and discovered.identity.callable
        and discovered.identity.modelsdev_id is None
    )
    assert discovered.provenance["identity"].source == "any-llm"
    assert catalog["openai:gpt-4.1"].availability.listed is False  # the key cannot reach it
    assert catalog["anthropic:claude-opus-4-5"].availability.listed is None  # not asked
    status = catalog.source("any-llm")
    assert status is not None
    assert (status.status, status.entries) == ("live", 2)


def test_cache_reads_values_stored_both_ways(tmp_path: Path, mini_dir: Path) -> None:
    # llmhub pickles values itself (diskcache wrote its own pickles of large values to their file
    # line by line); values an earlier llmhub left for diskcache to pickle must still read back.
    from llmhub.catalog.cache import CatalogSummary
    from llmhub.catalog.sources._http import RawPayload

    cache = CatalogCache(tmp_path / "catalog")
    summary = CatalogSummary(inputs="i", saved_at=1.0, built_at="b", sources=[])
    cache._open().set("summary:old", summary)  # the old way
    assert cache.load_summary("old") == summary
    catalog = build_catalog(sources_dir=mini_dir, cache_dir=tmp_path / "other")
    assert cache.save_catalog("new", catalog, inputs="i")
    loaded = cache.load_catalog("new")
    assert loaded is not None and loaded.catalog.models == catalog.models
    new_summary = cache.load_summary("new")
    assert new_summary is not None and new_summary.inputs == "i"
    assert not list((tmp_path / "catalog").rglob("*.val"))  # small values stay in the database
    for body in (b"{}" * 50_000, b"[]" * 60_000):  # large: a file of its own, replaced in place
        cache.save_raw("big", RawPayload(body=body, origin="o", fetched_at="f"))
        raw = cache.load_raw("big")
        assert raw is not None and raw.body == body
    assert len(list((tmp_path / "catalog").rglob("*.val"))) == 1
    cache.close()
