from datetime import date

import pytest

from llmhub.catalog.mapper import ArenaOverrides, CatalogName, MappingResult, match_arena


def names(*entries: str | tuple[str, date | None, date | None]) -> list[CatalogName]:
    """CatalogName rows from (model_id, release, last_updated) tuples."""
    out = []
    for index, entry in enumerate(entries):
        model_id, released, updated = (entry, None, None) if isinstance(entry, str) else entry
        out.append(CatalogName(index, model_id, released, updated))
    return out


def chosen(
    arena: list[str], models: list[CatalogName], overrides: ArenaOverrides | None = None
) -> tuple[dict[str, tuple[str, str]], MappingResult]:
    result = match_arena(arena, models, overrides or ArenaOverrides())
    return {models[i].model_id: (m.arena_name, m.method) for i, m in result.chosen.items()}, result


D = date


@pytest.mark.parametrize(
    ("arena", "models", "expected"),
    [
        # A dated arena entry scores both the dated id and its undated alias.
        (
            ["claude-opus-4-5-20251101"],
            [("claude-opus-4-5", D(2025, 11, 24), D(2025, 11, 24)), "claude-opus-4-5-20251101"],
            {
                "claude-opus-4-5": ("claude-opus-4-5-20251101", "alias"),
                "claude-opus-4-5-20251101": ("claude-opus-4-5-20251101", "exact"),
            },
        ),
        # The plain entry beats its thinking variant for the same model.
        (
            ["claude-opus-4-5-20251101-thinking-32k", "claude-opus-4-5-20251101"],
            ["claude-opus-4-5-20251101"],
            {"claude-opus-4-5-20251101": ("claude-opus-4-5-20251101", "exact")},
        ),
        # An effort variant is the same API model.
        (["gpt-5-high"], ["gpt-5"], {"gpt-5": ("gpt-5-high", "variant")}),
        # The alias takes the newest version that fits its dates.
        (
            ["gpt-4o-2024-05-13", "gpt-4o-2024-08-06"],
            [("gpt-4o", D(2024, 5, 13), D(2024, 8, 6))],
            {"gpt-4o": ("gpt-4o-2024-08-06", "alias")},
        ),
        # A preview is not the release: o1 takes the dated release, not o1-preview.
        (
            ["o1-preview", "o1-2024-12-17"],
            [("o1", D(2024, 12, 5), D(2024, 12, 5))],
            {"o1": ("o1-2024-12-17", "alias")},
        ),
        # A quantised or free host variant takes the plain score.
        (
            ["llama-3.3-70b-instruct"],
            ["meta-llama/llama-3.3-70b-instruct:free", "Llama-3.3-70B-Instruct-FP8"],
            {
                "meta-llama/llama-3.3-70b-instruct:free": ("llama-3.3-70b-instruct", "variant"),
                "Llama-3.3-70B-Instruct-FP8": ("llama-3.3-70b-instruct", "variant"),
            },
        ),
        # Word order differs: fuzzy within the lab.
        (
            ["llama-3.3-nemotron-49b-super-v1"],
            ["nvidia/Llama-3.3-Nemotron-Super-49B-v1"],
            {"nvidia/Llama-3.3-Nemotron-Super-49B-v1": ("llama-3.3-nemotron-49b-super-v1", "fuzzy")},
        ),
    ],
)
def test_matches(
    arena: list[str], models: list[str | tuple[str, date | None, date | None]], expected: dict[str, tuple[str, str]]
) -> None:
    found, _ = chosen(arena, names(*models))
    assert found == expected


@pytest.mark.parametrize(
    ("arena", "model"),
    [
        # Discriminating words: a mini is not the full model, a lite is not flash.
        (["gpt-4o-2024-08-06"], ("gpt-4o-mini", D(2024, 7, 18), D(2024, 7, 18))),
        (["gemini-2.5-flash"], "gemini-2.5-flash-lite"),
        # Same lab, similar words, different family: Magistral is not Mistral.
        (["mistral-small-2506"], "mistralai/magistral-small-2506"),
        # Thinking and non-thinking models are sold separately.
        (["kimi-k2-thinking-turbo"], "kimi-k2-turbo-preview"),
        (["qwen3-next-80b-a3b-thinking"], "qwen3-next-80b-a3b-instruct"),
        # A moving alias never takes an undated (possibly ancient) entry's score.
        (["gemini-pro"], ("gemini-pro-latest", D(2026, 4, 27), D(2026, 4, 27))),
        # An alias updated long after a version has moved on from it.
        (["mistral-large-2411"], ("mistral-large-latest", D(2024, 11, 1), D(2025, 12, 2))),
        # A dated preview snapshot does not take the undated release's score.
        (["gemini-2.5-pro"], "google/gemini-2.5-pro-preview-05-06"),
        # Different sizes.
        (["qwen3-32b"], "qwen3-30b-a3b"),
    ],
)
def test_precision_no_wrong_match(arena: list[str], model: str | tuple[str, date | None, date | None]) -> None:
    found, result = chosen(arena, names(model))
    assert found == {}
    assert all(result.reasons.values())


def test_overrides_match_and_never() -> None:
    models = names(("gpt-4", D(2023, 11, 6), D(2024, 4, 9)), "gpt-4-0613", "gemini-pro")
    overrides = ArenaOverrides(match={"gpt-4-0613": ["gpt-4", "gpt-4-0613"]}, never={"gemini-pro": "old"})
    found, result = chosen(["gpt-4-0314", "gpt-4-0613", "gemini-pro"], models, overrides)
    assert found["gpt-4"] == ("gpt-4-0613", "override")
    assert found["gpt-4-0613"] == ("gpt-4-0613", "override")
    assert "gemini-pro" not in found
    assert result.reasons["gemini-pro"] == "never matched: old"


def test_override_can_pin_one_catalog_model() -> None:
    models = names("gpt-4.1", "openai/gpt-4.1")
    result = match_arena(
        ["my-entry"],
        models,
        ArenaOverrides(match={"my-entry": ["openai:gpt-4.1"]}),
        {0: "openai:gpt-4.1", 1: "openrouter:openai/gpt-4.1"},
    )
    assert list(result.chosen) == [0]


def test_one_entry_many_models_and_many_entries_one_model() -> None:
    models = names("gpt-5", "openai/gpt-5")
    found, result = chosen(["gpt-5", "gpt-5-high"], models)
    assert found == {"gpt-5": ("gpt-5", "exact"), "openai/gpt-5": ("gpt-5", "exact")}
    # gpt-5-high is the same API model at high effort: it maps to both too, without supplying the score.
    assert sorted(result.matches["gpt-5-high"]) == [0, 1]
    assert sorted(result.matches["gpt-5"]) == [0, 1]


def test_unmatched_entries_say_why() -> None:
    _, result = chosen(["vicuna-13b", "claude-opus-4-5-20251101-thinking-32k"], names("claude-opus-4-5-preview"))
    assert "no catalog model is named like it" in result.reasons["vicuna-13b"]
    assert "dates or variants differ" in result.reasons["claude-opus-4-5-20251101-thinking-32k"]
