"""The agentic generator's catalog tools: exact answers on the hand-made catalog, small results on a real one."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from llmhub.catalog import build_catalog
from llmhub.catalog.derive import finish
from llmhub.catalog.kinds import ModelKind
from llmhub.catalog.models import Catalog, FieldSource, PriceTier
from llmhub.generator.needs import RoleNeeds, needs_for
from llmhub.generator.rules import RuleSet
from llmhub.generator.tools import MAX_COMPARE, MAX_SEARCH, PREVIEW_RULE, TOOL_SPECS, CatalogTools, openai_tools

from .conftest import chat, fixture_catalog, fixture_drafts, make_model, spec_with


def role_needs(rules: RuleSet, role: str) -> RoleNeeds:
    """The needs of the single role `r` whose YAML body (flow mapping) is `role`."""
    spec = spec_with(f"  r: {role}")
    return needs_for("r", spec.roles["r"], spec, rules)


def extended_catalog() -> Catalog:
    """The fixture catalog plus: another host of gpt-big, a placeholder $0 price, a tiered price, a preview twin."""
    models = [
        *fixture_drafts(),
        chat("groq", "openai/gpt-big", 1450, 2.5, 10.0, family="gpt", canonical_model_id="openai/gpt-big"),
        make_model(
            "mistral",
            "mistral-mystery",
            family="mistral",
            arena_score=None,
            listed_zero_price=True,
            supports_tool_call=True,
            context_tokens=128_000,
            release_date="2025-09-01",
        ),
        chat(
            "gemini",
            "gemini-tiered",
            1410,
            1.0,
            4.0,
            family="gemini",
            context_tokens=1_000_000,
            price_tiers=(PriceTier(above_tokens=200_000, input=2.0, output=8.0),),
        ),
        chat(
            "gemini",
            "gemini-flash-preview-05-20",
            1420,
            0.3,
            2.5,
            family="gemini",
            preview=True,
            input_modalities=("text", "image"),
            context_tokens=1_000_000,
        ),
    ]
    models[0].provenance = {"pricing": FieldSource("models.dev", "snap-1"), "quality": FieldSource("lmarena-text")}
    models[3].successor = "gpt-big"  # gpt-retired names gpt-big as its replacement
    return fixture_catalog(finish(models))


@pytest.fixture
def extended() -> Catalog:
    return extended_catalog()


def ids(result: dict[str, Any]) -> list[str]:
    return [entry["id"] for entry in result["models"]]


# -- search -------------------------------------------------------------------------------------


def test_search_folds_hosts_of_the_same_model_into_one_entry(extended: Catalog, rules: RuleSet) -> None:
    result = CatalogTools(extended, rules).search(limit=25)
    assert len(ids(result)) == len(set(ids(result)))
    big = [entry for entry in result["models"] if entry["id"] in ("openai:gpt-big", "groq:openai/gpt-big")]
    assert len(big) == 1
    assert big[0] == {
        "id": "openai:gpt-big",  # the cheaper host represents the model
        "hosts": 2,
        "quality": {"value": 1450, "basis": "measured", "interval": [1440, 1460]},
        "price": 3.5,
        "context": 400_000,
        "released": "2025-08-01",
    }


def test_search_is_best_first_within_the_role_and_never_beyond_its_candidates(
    extended: Catalog, rules: RuleSet
) -> None:
    tools = CatalogTools(extended, rules, role_needs(rules, "{requires: [vision], preferences: {providers: [openai]}}"))
    result = tools.search(order="quality")
    assert ids(result) == ["openai:gpt-big", "openai:gpt-mini"]
    assert result["scope"] == "the role's candidates"
    assert result["quality_of"] == "vision"  # a role requiring vision is measured on the vision board
    assert result["price_is"] == "blended USD per M tokens, (3 x input + output) / 4, list prices"
    assert result["matches"] == 2
    wider = tools.search(within_role=False, providers=["openai"])
    assert {"openai:gpt-retired", "openai:o-think", "openai:gpt-nano"} <= set(ids(wider))
    # Estimates rank at the low end of their interval, measured figures as they are.
    ranked = [
        q["interval"][0] if q["basis"] == "estimated" else q["value"]
        for q in (entry["quality"] for entry in wider["models"])
        if q is not None
    ]
    assert ranked == sorted(ranked, reverse=True)
    assert any(e["quality"] and e["quality"]["basis"] == "estimated" for e in wider["models"])


def test_search_fits_the_role_by_default_in_the_rules_ranking(extended: Catalog, rules: RuleSet) -> None:
    # A cheap role: the rules weigh price, so the fit order is theirs, not best quality first.
    from llmhub.generator.scoring import rank

    needs = role_needs(rules, "{preferences: {cost: low, quality: low}}")
    tools = CatalogTools(extended, rules, needs)
    fit = ids(tools.search(limit=25))
    ranked = [s.model.canonical_id for s in rank(tools.candidates().models, needs, rules, tools.quality)]
    assert fit == [i for i in dict.fromkeys(ranked) if i in fit]  # the rules' order, hosts folded
    assert fit != ids(tools.search(limit=25, order="quality"))
    prices = [e["price"] for e in tools.search(limit=25, order="price")["models"] if e["price"] is not None]
    assert prices == sorted(prices)
    assert "error" in tools.search(order="random")


def test_search_limit_is_respected_and_capped(rules: RuleSet) -> None:
    many = [chat("openai", f"model-{n:02d}", 1300 + n, 1.0, 2.0) for n in range(30)]
    tools = CatalogTools(fixture_catalog(many), rules)
    assert len(ids(tools.search(limit=3))) == 3
    capped = tools.search(limit=100)
    assert capped["matches"] == 30
    assert capped["shown"] == MAX_SEARCH == len(capped["models"])
    assert ids(capped)[0] == "openai:model-29"
    assert len(ids(tools.search(limit=0))) == 1


def test_search_shows_an_unknown_price_as_null_with_its_reason(extended: Catalog, rules: RuleSet) -> None:
    result = CatalogTools(extended, rules).search(query="mystery")
    assert result["models"] == [
        {
            "id": "mistral:mistral-mystery",
            "hosts": 1,
            "quality": None,
            "price": None,
            "price_note": "unknown (listed $0, a placeholder)",
            "context": 128_000,
            "released": "2025-09-01",
        }
    ]


def test_search_filters(extended: Catalog, rules: RuleSet) -> None:
    tools = CatalogTools(extended, rules)
    vision = tools.search(capabilities=["vision"], limit=25)
    assert vision["models"] and all("image" in extended[i].capabilities.input_modalities for i in ids(vision))
    assert "openai:gpt-nano" not in ids(vision)
    cheap = tools.search(max_price=1.0, limit=25)
    assert cheap["models"] and all(e["price"] is not None and e["price"] <= 1.0 for e in cheap["models"])
    assert "mistral:mistral-mystery" not in ids(cheap)  # unknown is never under a ceiling
    assert set(ids(tools.search(open_weights=True))) == {"mistral:mistral-open", "groq:llama-3-8b-instant"}
    assert set(ids(tools.search(min_context=1_000_000, query="gemini"))) == {
        "gemini:gemini-pro",
        "gemini:gemini-flash",
        "gemini:gemini-tiered",
        "gemini:gemini-flash-preview-05-20",  # no role: previews are shown, flagged
    }
    assert ids(tools.search(kind="embedding"))[0] == "openai:text-embed-small"  # unrated: cheapest first
    assert ids(tools.search(capabilities="pdf")) == ["anthropic:claude-top"]  # one name on its own
    assert "error" in tools.search(capabilities=["telepathy"])
    assert "error" in tools.search(kind="hologram")


def test_an_empty_search_says_which_filters_emptied_it(extended: Catalog, rules: RuleSet) -> None:
    # A real small model searched for "search_model" eight times in a row: the empty answer gave it
    # nothing to correct. Now it says what each filter lets through on its own.
    tools = CatalogTools(extended, rules)
    pool = tools.search(limit=25)["matches"]
    found = tools.search(query="search_model", open_weights=True)
    assert found["models"] == [] and found["matches"] == 0
    assert found["empty_because"] == (
        "no model passes every filter; each filter alone lets through "
        f"open_weights True: 2 of {pool}; query 'search_model': 0 of {pool}. Loosen or drop one"
    )
    # Two filters that each pass some models but no model passes both.
    both = tools.search(open_weights=True, capabilities=["pdf"])
    assert "capabilities pdf: 1 of" in both["empty_because"] and "open_weights True: 2 of" in both["empty_because"]
    assert "empty_because" not in tools.search(query="gemini")


def test_search_prices_at_the_roles_context(extended: Catalog, rules: RuleSet) -> None:
    tools = CatalogTools(extended, rules, role_needs(rules, "{min_context: 500000}"))
    entry = next(e for e in tools.search(limit=25)["models"] if e["id"] == "gemini:gemini-tiered")
    assert entry["price"] == 3.5  # (3 x 2 + 8) / 4, the tier above 200k
    assert entry["price_note"] == "tier above 200000 tokens"


# -- model, compare, family -----------------------------------------------------------------------


def test_model_facts_with_provenance(extended: Catalog, rules: RuleSet) -> None:
    facts = CatalogTools(extended, rules, role_needs(rules, "{description: 'refactor the code'}")).model(
        "openai:gpt-big"
    )
    assert facts["quality"]["overall"]["value"] == 1450
    assert facts["quality"]["task"] == {
        "value": 1480,
        "basis": "measured",
        "interval": [1470, 1490],
        "category": "coding",
        "source": "LMArena",
    }
    assert facts["price"] == {"input": 2.0, "output": 8.0, "blended": 3.5, "note": "list"}
    assert facts["capabilities"] == ["tools", "vision", "structured_output"]
    assert facts["other_hosts"] == 1
    assert facts["provenance"] == [
        {"from": "models.dev snap-1 (None/None)", "for": ["pricing"]},
        {"from": "lmarena-text (arena entry gpt-big (None match))", "for": ["quality"]},
    ]


def test_model_resolves_a_bare_id_and_suggests_for_an_unknown_one(extended: Catalog, rules: RuleSet) -> None:
    tools = CatalogTools(extended, rules)
    assert tools.model("gpt-mini")["id"] == "openai:gpt-mini"
    unknown = tools.model("openai:gpt-bigg")
    assert unknown["error"] == "'openai:gpt-bigg' is not in the catalog"
    assert unknown["did_you_mean"][0] == "openai:gpt-big" and len(unknown["did_you_mean"]) <= 3
    assert tools.model("nosuch:claude-topp")["did_you_mean"][0] == "anthropic:claude-top"
    assert "error" in tools.model(42)  # type: ignore[arg-type]


def test_compare_side_by_side(extended: Catalog, rules: RuleSet) -> None:
    tools = CatalogTools(extended, rules, role_needs(rules, "{requires: [vision]}"))
    result = tools.compare(["openai:gpt-big", "openai:gpt-nano", "mistral:mistral-mystery"], categories=["coding"])
    rows = {row["id"]: row for row in result["models"]}
    assert list(rows) == ["openai:gpt-big", "openai:gpt-nano", "mistral:mistral-mystery"]
    assert rows["openai:gpt-big"]["quality"] == {
        "coding": {"value": 1480, "basis": "measured", "interval": [1470, 1490]}
    }
    assert rows["openai:gpt-big"]["candidate"] is True
    assert rows["openai:gpt-nano"]["candidate"] is False
    assert rows["mistral:mistral-mystery"]["price"] == {
        "in": None,
        "out": None,
        "blended": None,
        "note": "unknown (listed $0, a placeholder)",
    }
    default = tools.compare(["openai:gpt-big"])["models"][0]["quality"]
    assert set(default) == {"overall", "vision"}
    assert "did you mean 'coding'" in tools.compare(["openai:gpt-big"], categories=["codingg"])["error"]


def test_compare_shows_at_most_six_and_reports_unknown_ids(extended: Catalog, rules: RuleSet) -> None:
    tools = CatalogTools(extended, rules)
    every = [m.canonical_id for m in extended if m.identity.callable and m.kind == ModelKind.chat]
    result = tools.compare(every)
    assert len(result["models"]) == MAX_COMPARE
    assert result["note"] == f"compared the first {MAX_COMPARE} of {len(every)}"
    missing = tools.compare(["openai:gpt-big", "openai:gpt-bigg"])
    assert ids(missing) == ["openai:gpt-big"]
    assert missing["errors"][0]["did_you_mean"][0] == "openai:gpt-big"
    assert "error" in tools.compare("openai:gpt-big")  # a string is not a list of ids


def test_family_versions_successor_and_hosts(extended: Catalog, rules: RuleSet) -> None:
    tools = CatalogTools(extended, rules)
    minis = tools.family("openai:gpt-5-mini")
    assert [v["id"] for v in minis["versions"]] == ["openai:gpt-5-mini", "openai:gpt-mini"]  # newest first
    assert minis["versions"][0]["this"] is True
    assert minis["versions"][0]["quality"]["basis"] == "estimated"  # cheaper than gpt-mini: no inheritance
    assert set(minis["other_sizes"]) == {"openai:gpt-big", "openai:gpt-nano", "openai:gpt-retired"}
    retired = tools.family("openai:gpt-retired")
    assert retired["successor"] == {"named": "gpt-big", "id": "openai:gpt-big"}
    big = tools.family("openai:gpt-big")
    assert big["replaces"] == ["openai:gpt-retired"]
    assert big["other_hosts"] == {"count": 1, "cheapest": [{"id": "groq:openai/gpt-big", "price": 4.375}]}
    assert "did_you_mean" in tools.family("openai:gpt-bigg")


# -- why_excluded, check, cost --------------------------------------------------------------------


def test_why_excluded_names_the_first_constraint_that_removed_it(extended: Catalog, rules: RuleSet) -> None:
    needs = role_needs(rules, "{requires: [vision], max_price: {input: 1.5}}")
    tools = CatalogTools(extended, rules, needs)
    assert tools.why_excluded("openai:gpt-nano") == {
        "id": "openai:gpt-nano",
        "excluded": True,
        "by": "requires vision",
    }
    retired = tools.why_excluded("openai:gpt-retired")
    assert retired["by"] == "not deprecated"
    assert retired["also_fails"] == ["requires vision"]
    assert tools.why_excluded("anthropic:claude-top")["by"] == "max_price input 1.5/M (unknown prices excluded)"
    assert tools.why_excluded("somehost:not-callable")["by"] == "callable through any-llm"
    assert tools.why_excluded("openai:gpt-mini")["excluded"] is False
    assert tools.why_excluded("gemini:gemini-flash-preview-05-20")["by"] == PREVIEW_RULE
    assert "error" in CatalogTools(extended, rules).why_excluded("openai:gpt-nano")


def test_check_fails_a_pick_that_breaks_requires_vision(extended: Catalog, rules: RuleSet) -> None:
    tools = CatalogTools(extended, rules, role_needs(rules, "{requires: [vision]}"))
    assert tools.check("openai:gpt-nano") == {"id": "openai:gpt-nano", "ok": False, "failed": ["requires vision"]}
    assert tools.check("openai:gpt-big") == {"id": "openai:gpt-big", "ok": True, "failed": []}
    assert tools.check("gemini:gemini-flash-preview-05-20")["failed"] == [PREVIEW_RULE]
    unknown = tools.check("openai:gpt-bigg")
    assert unknown["ok"] is False and unknown["did_you_mean"][0] == "openai:gpt-big"


def test_cost_uses_the_prompts_price_tier_and_says_where_prices_came_from(extended: Catalog, rules: RuleSet) -> None:
    tools = CatalogTools(extended, rules)
    assert tools.cost("openai:gpt-big", 1_000_000, 1_000_000, requests=2) == {
        "id": "openai:gpt-big",
        "usd": 20.0,
        "per_request": 10.0,
        "price": {"input": 2.0, "output": 8.0, "tier": "list"},
        "source": "models.dev snap-1",
    }
    tiered = tools.cost("gemini:gemini-tiered", 300_000, 1_000, requests=10)
    assert tiered["price"] == {"input": 2.0, "output": 8.0, "tier": "tier above 200000 tokens"}
    assert tiered["usd"] == pytest.approx(10 * (0.3 * 2.0 + 0.001 * 8.0))
    assert tools.cost("gemini:gemini-tiered", 100_000, 0)["price"]["tier"] == "list"
    embedding = tools.cost("openai:text-embed-small", 1_000_000, 0, requests=3)
    assert embedding["usd"] == pytest.approx(0.06)


def test_cost_of_an_unknown_price_is_null_never_zero(extended: Catalog, rules: RuleSet) -> None:
    result = CatalogTools(extended, rules).cost("mistral:mistral-mystery", 1000, 1000, requests=5)
    assert result["usd"] is None and result["per_request"] is None
    assert result["note"] == "price unknown: no input price (listed $0, a placeholder)"
    assert "error" in CatalogTools(extended, rules).cost("openai:gpt-big", -1, 0)


# -- by name, specs, import cost ----------------------------------------------------------------------


def test_call_dispatches_by_name_and_turns_bad_calls_into_errors(extended: Catalog, rules: RuleSet) -> None:
    tools = CatalogTools(extended, rules, role_needs(rules, "{requires: [vision]}"))
    assert tools.call("check", '{"model_id": "openai:gpt-nano"}')["failed"] == ["requires vision"]
    assert tools.call("search", {"limit": 1})["shown"] == 1
    assert tools.call("serch", {})["did_you_mean"] == ["search"]
    assert tools.call("check", {"model": "openai:gpt-big"})["error"].startswith("bad arguments for check")
    assert "not JSON" in tools.call("check", "{model_id")["error"]
    assert "JSON object" in tools.call("check", "[1]")["error"]
    assert tools.call("search", {"max_price": "cheap"})["error"].startswith("bad arguments for search")


def test_tool_specs_describe_the_methods(rules: RuleSet) -> None:
    assert [spec["name"] for spec in TOOL_SPECS] == [
        "search",
        "model",
        "compare",
        "family",
        "why_excluded",
        "cost",
        "check",
    ]
    for spec in TOOL_SPECS:
        parameters = inspect.signature(getattr(CatalogTools, spec["name"])).parameters
        declared = spec["parameters"]["properties"]
        assert set(declared) == set(parameters) - {"self"}, spec["name"]
        required = {n for n, p in parameters.items() if n != "self" and p.default is inspect.Parameter.empty}
        assert set(spec["parameters"].get("required", [])) == required, spec["name"]
        assert len(spec["description"]) > 80
    assert openai_tools()[0] == {"type": "function", "function": TOOL_SPECS[0]}
    json.dumps(openai_tools(), allow_nan=False)


def test_import_llmhub_does_not_import_the_tools() -> None:
    code = "import sys, llmhub; print('llmhub.generator.tools' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# -- the real 2026-09 snapshot: small results ---------------------------------------------------------

BASE = os.environ.get("LLMHUB_TEST_SNAPSHOTS")
NEWER = Path(BASE).parent / "catalog-snapshots-2026-09" if BASE else None
real_snapshot = pytest.mark.skipif(
    NEWER is None or not (NEWER / "models.dev" / "api.json").is_file(), reason="LLMHUB_TEST_SNAPSHOTS is not set"
)


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return build_catalog(
        sources_dir=NEWER, overrides=False, cache_dir=tmp_path_factory.mktemp("cache"), today=date(2026, 12, 4)
    )


@pytest.fixture(scope="module")
def real_tools(real: Catalog, rules: RuleSet) -> CatalogTools:
    return CatalogTools(
        real,
        rules,
        role_needs(rules, "{description: 'hard reasoning on long files', requires: [vision], min_context: 300000}"),
    )


def size(result: dict[str, Any]) -> int:
    """The JSON size of a result, as json.dumps writes it by default (spaces after separators)."""
    return len(json.dumps(result, allow_nan=False))


@real_snapshot
def test_real_results_stay_within_their_size_budgets(real_tools: CatalogTools) -> None:
    three = ["anthropic:claude-opus-4-6", "openai:gpt-5.4", "gemini:gemini-3.1-pro-preview"]
    budgets: list[tuple[str, dict[str, Any], int]] = [
        ("search", {"limit": 10}, 4000),
        ("search", {"limit": 10, "within_role": False}, 4000),
        ("search", {"limit": MAX_SEARCH, "within_role": False}, 10_000),
        ("model", {"model_id": "anthropic:claude-opus-4-6"}, 2000),
        ("compare", {"model_ids": three}, 3000),
        ("compare", {"model_ids": three, "categories": ["overall", "coding", "math", "vision"]}, 3000),
        ("family", {"model_id": "openai:gpt-5-mini"}, 2000),
        ("why_excluded", {"model_id": "openai:gpt-5-mini"}, 400),
        ("cost", {"model_id": "gemini:gemini-2.5-pro", "input_tokens": 300_000, "output_tokens": 2000}, 400),
        ("check", {"model_id": "groq:llama-3.1-8b-instant"}, 400),
    ]
    for name, arguments, budget in budgets:
        result = real_tools.call(name, arguments)
        assert "error" not in result, (name, result)
        assert size(result) < budget, (name, arguments, size(result))
    assert real_tools.search(limit=10)["shown"] == 10
    assert len(real_tools.compare(three)["models"]) == 3


@real_snapshot
def test_real_search_folds_hosts_and_agrees_with_check(real_tools: CatalogTools) -> None:
    wide = real_tools.search(limit=MAX_SEARCH, within_role=False)
    assert len(ids(wide)) == len(set(ids(wide))) == MAX_SEARCH
    assert any(entry["hosts"] > 1 for entry in wide["models"])
    assert ids(wide).count("anthropic:claude-opus-4-6") == 1
    assert not any(i.endswith("claude-opus-4-6-v1") for i in ids(wide))  # folded into anthropic's entry
    for entry in real_tools.search(limit=10)["models"]:
        assert real_tools.check(entry["id"])["ok"] is True, entry["id"]
        assert entry["price"] is None or entry["price"] > 0
    assert real_tools.check("groq:llama-3.1-8b-instant")["failed"] == ["requires vision", "min_context 300000"]
    assert real_tools.search(limit=10) == real_tools.search(limit=10)  # deterministic


@real_snapshot
def test_real_unknown_prices_are_null_with_a_reason(real: Catalog, real_tools: CatalogTools) -> None:
    placeholder = next(m for m in real if m.identity.callable and m.pricing.listed_zero and m.kind == ModelKind.chat)
    cost = real_tools.cost(placeholder.canonical_id, 1000, 1000)
    assert cost["usd"] is None and "placeholder" in cost["note"]
    row = real_tools.compare([placeholder.canonical_id])["models"][0]
    assert row["price"]["blended"] is None and "placeholder" in row["price"]["note"]
