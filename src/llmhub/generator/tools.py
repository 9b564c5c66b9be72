"""Catalog research tools for the agentic generator: plain, deterministic functions with small JSON results.

The LLM-assisted generator researches the catalog before it picks a role's model: it searches with
filters, reads one model's facts with their provenance, compares a few side by side, looks at a
model's family and successors, asks why a model is not a candidate, prices a volume of calls, and
checks its pick against the role's hard constraints. Each of those is a method of `CatalogTools`
that returns plain JSON-able data, kept small (a result is read by an LLM, every byte is a token),
and never raises for a bad argument: it returns `{"error": ...}` saying what to do instead.

Honest facts, as everywhere: an unknown price is `null` with the reason (never 0), every quality
figure says whether it is measured, inherited or estimated and carries its interval.

    tools = CatalogTools(catalog, rules, needs)      # needs from llmhub.generator.needs.needs_for
    tools.search(capabilities=["vision"], limit=5)
    tools.call("check", {"model_id": "openai:gpt-4.1"})   # by name, for a tool-calling loop
    TOOL_SPECS                                           # their descriptions, OpenAI function format

Nothing here calls an LLM or the network, and `import llmhub` does not import this module.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from llmhub.catalog.derive import prices_at
from llmhub.catalog.kinds import ModelKind
from llmhub.catalog.models import TASK_CATEGORIES, CanonicalModel, Catalog
from llmhub.catalog.names import parse_name
from llmhub.catalog.quality import Quality, QualityIndex
from llmhub.generator.candidates import CAPABILITY_CHECKS, CandidateSet, catalog_day, constraints, filter_candidates
from llmhub.generator.needs import RoleNeeds
from llmhub.generator.rules import RuleSet
from llmhub.generator.scoring import price_used

__all__ = ["MAX_COMPARE", "MAX_SEARCH", "PREVIEW_RULE", "TOOL_SPECS", "CatalogTools", "openai_tools"]

Result = dict[str, Any]

MAX_SEARCH = 25
"""The most models one search returns, whatever `limit` asks."""
MAX_COMPARE = 6
"""The most models one comparison shows."""
PREVIEW_RULE = "a pinned id rather than a preview or -latest alias of the same model (policy.previews)"
"""The last hard constraint, applied across candidates by `filter_candidates` (its own label)."""
_LIST_CAP = 8
"""How many ids a list inside a result shows before it says how many more there are."""


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _short_quality(figure: Quality | None) -> Result | None:
    """`{"value": 1499, "basis": "measured", "interval": [1495, 1503]}`, or None when unknown."""
    if figure is None:
        return None
    return {"value": round(figure.value), "basis": figure.basis, "interval": [round(figure.low), round(figure.high)]}


def _full_quality(figure: Quality | None) -> Result | None:
    """The short figure plus which rating it is and where it came from."""
    short = _short_quality(figure)
    if short is None or figure is None:
        return None
    return {**short, "category": figure.category, "source": figure.source}


def _capabilities(model: CanonicalModel) -> list[str]:
    return [name for name, check in CAPABILITY_CHECKS.items() if check(model)]


def _capped(ids: Sequence[str], cap: int = _LIST_CAP) -> list[str]:
    shown = list(ids[:cap])
    if len(ids) > cap:
        shown.append(f"... {len(ids) - cap} more")
    return shown


class CatalogTools:
    """The catalog research tools an LLM calls while choosing a role's model.

    Args:
        catalog: The catalog generation chooses from (the whole of it).
        rules: The rule set in force (kinds, policy, tasks).
        needs: The role being chosen for; without it the role-aware tools (`why_excluded`, `check`)
            answer with an error, search covers the whole callable catalog and prices are list prices.
        quality: The catalog's quality figures, when the caller has them already (else built here).
    """

    def __init__(
        self, catalog: Catalog, rules: RuleSet, needs: RoleNeeds | None = None, *, quality: QualityIndex | None = None
    ):
        self.catalog = catalog
        self.rules = rules
        self.needs = needs
        self.quality = quality if quality is not None else QualityIndex(catalog)
        self.today = catalog_day(catalog)
        self._candidates: CandidateSet | None = None
        self._candidate_ids: frozenset[str] | None = None
        self._hosts: dict[str, list[CanonicalModel]] | None = None

    # -- shared facts -------------------------------------------------------------------------

    @property
    def context(self) -> int | None:
        """The prompt length prices are read at: the role's `min_context` (None: list prices)."""
        return self.needs.min_context if self.needs is not None else None

    @property
    def categories(self) -> tuple[str, ...]:
        """The arena categories that measure the role's task (empty: the overall rating)."""
        return self.needs.categories if self.needs is not None else ()

    def candidates(self) -> CandidateSet:
        """The role's candidates (every hard constraint applied), worked out once."""
        if self._candidates is None:
            if self.needs is None:
                raise ValueError("no role: candidates need the role's needs")
            self._candidates = filter_candidates(self.catalog, self.needs, self.rules)
            self._candidate_ids = frozenset(m.canonical_id for m in self._candidates.models)
        return self._candidates

    def _is_candidate(self, model: CanonicalModel) -> bool:
        self.candidates()
        assert self._candidate_ids is not None
        return model.canonical_id in self._candidate_ids

    def _other_hosts(self, model: CanonicalModel) -> list[CanonicalModel]:
        """Callable models that are the same model at another provider (or under another id)."""
        if self._hosts is None:
            hosts: dict[str, list[CanonicalModel]] = {}
            for each in self.catalog:
                if each.identity.callable:
                    hosts.setdefault(_identity(each), []).append(each)
            self._hosts = hosts
        return [m for m in self._hosts.get(_identity(model), []) if m.canonical_id != model.canonical_id]

    def _figure(self, model: CanonicalModel, categories: Sequence[str] | None = None) -> Quality | None:
        return self.quality.of(model, self.categories if categories is None else categories)

    def _price(self, model: CanonicalModel) -> tuple[float | None, str]:
        price, note = price_used(model, self.context)
        return _round(price), note

    def _flags(self, model: CanonicalModel) -> list[str]:
        flags = []
        if model.lifecycle.preview:
            flags.append("preview")
        if model.pricing.free:
            flags.append("free_tier")
        if model.lifecycle.deprecated:
            flags.append("deprecated")
        if model.lifecycle.status in ("alpha", "beta"):
            flags.append(f"status {model.lifecycle.status}")
        if model.lifecycle.deprecation_date:
            today = self.today.isoformat() if self.today else None
            retired = today is not None and model.lifecycle.deprecation_date <= today
            flags.append(f"{'retired' if retired else 'retiring'} {model.lifecycle.deprecation_date}")
        return flags

    def _resolve(self, model_id: object) -> CanonicalModel | Result:
        """The catalog model `model_id` names (`provider:model`, or a bare model id), else an error result."""
        if not isinstance(model_id, str) or not model_id.strip():
            return {"error": "model_id must be a `provider:model` string, e.g. 'openai:gpt-4.1'"}
        wanted = model_id.strip()
        found = self.catalog.get(wanted)
        if found is not None:
            return found
        if ":" not in wanted:
            same = [m for m in self.catalog if m.model_id.lower() == wanted.lower()]
            if same:
                allowed = set(self.needs.providers) if self.needs is not None else set()
                return min(same, key=lambda m: (m.provider not in allowed, not m.identity.callable, m.canonical_id))
        return {"error": f"{wanted!r} is not in the catalog", "did_you_mean": self._near(wanted)}

    def _near(self, wanted: str) -> list[str]:
        provider, _, name = wanted.rpartition(":")
        pool = [m for m in self.catalog if m.identity.callable]
        same_provider = [m for m in pool if m.provider == provider]
        if same_provider:
            ids = [m.canonical_id for m in same_provider]
            return difflib.get_close_matches(wanted, ids, n=3, cutoff=0.5)
        # No such provider (or none named): match on the model's own id at any host, roles' hosts first.
        allowed = set(self.needs.providers) if self.needs is not None else set()
        by_name: dict[str, list[str]] = {}
        for model in sorted(pool, key=lambda m: (m.provider not in allowed, m.canonical_id)):
            by_name.setdefault(model.model_id, []).append(model.canonical_id)
        names = difflib.get_close_matches(name or wanted, list(by_name), n=3, cutoff=0.5)
        return [by_name[n][0] for n in names]

    # -- 1. search ------------------------------------------------------------------------------

    def search(
        self,
        kind: str | None = None,
        capabilities: Iterable[str] | str = (),
        providers: Iterable[str] | str = (),
        max_price: float | None = None,
        min_context: int | None = None,
        open_weights: bool | None = None,
        query: str | None = None,
        limit: int = 10,
        within_role: bool = True,
        order: str = "fit",
    ) -> Result:
        """Models matching every filter, one entry per model, in the order asked for.

        Hosts of the same model are folded into one entry (its best-ranked, then cheapest, host),
        with how many matching hosts there are. With a role, only its candidates are searched (every
        hard constraint applied) unless `within_role` is false; prices are blended prices at the
        role's context and quality figures measure the role's task.

        Args:
            kind: A catalog kind (`chat`, `embedding`, `image`...); default the role's kinds, else chat.
            capabilities: Every one required: tools, vision, structured_output, reasoning, audio_input, pdf.
            providers: Only these providers.
            max_price: Highest blended price (USD per million tokens); an unknown price never passes.
            min_context: Fewest context tokens.
            open_weights: True: open weights only; False: closed only; None: either.
            query: Words that must all appear in the id, display name or family.
            limit: How many entries to show (1 to 25).
            within_role: False to search every callable model rather than the role's candidates.
            order: `fit` (default): the rules' ranking among the role's candidates, its cost, latency
                and quality preferences weighed (best quality first without a role or beyond its
                candidates); `quality`: best quality figure first, then cheapest; `price`: cheapest first.
        """
        capabilities, providers = _strings(capabilities), _strings(providers)
        problem = self._search_problem(kind, capabilities)
        if problem is not None:
            return {"error": problem}
        if order not in ("fit", "quality", "price"):
            return {"error": f"order {order!r}: use fit, quality or price"}
        pool = self._pool(kind, within_role)
        tests = _search_tests(capabilities, providers, max_price, min_context, open_weights, query, self._price)
        key = self._sort_key(order if within_role else order.replace("fit", "quality"), pool)
        matches = sorted((m for m in pool if all(test(m) for _, test in tests)), key=key)
        folded: dict[str, list[CanonicalModel]] = {}
        for model in matches:
            folded.setdefault(_identity(model), []).append(model)
        try:
            shown = max(1, min(int(limit), MAX_SEARCH))
        except (TypeError, ValueError):
            shown = 10
        allowed = set(self.needs.providers) if self.needs is not None else set()
        entries = [
            self._entry(next((h for h in hosts if h.provider in allowed), hosts[0]), len(hosts))
            for hosts in list(folded.values())[:shown]
        ]
        result: Result = {
            "matches": len(folded),
            "shown": len(entries),
            "quality_of": "+".join(self.categories) or "overall",
            "price_is": "blended USD per M tokens, (3 x input + output) / 4, "
            + (f"at {self.context}-token prompts" if self.context else "list prices"),
            "models": entries,
        }
        if self.needs is not None:
            result["scope"] = "the role's candidates" if within_role else "all callable models"
        if not folded:
            result["empty_because"] = _empty_because(pool, tests)
        return result

    def _search_problem(self, kind: str | None, capabilities: Sequence[str]) -> str | None:
        kinds = {str(k) for k in ModelKind}
        if kind is not None and kind not in kinds:
            return f"kind {kind!r} is not a catalog kind; kinds: {', '.join(sorted(kinds))}"
        unknown = [c for c in capabilities if c not in CAPABILITY_CHECKS]
        if unknown:
            return f"unknown capabilities {unknown}; capabilities: {', '.join(CAPABILITY_CHECKS)}"
        return None

    def _pool(self, kind: str | None, within_role: bool) -> list[CanonicalModel]:
        if self.needs is not None and within_role:
            models = self.candidates().models
        else:
            models = [m for m in self.catalog if m.identity.callable]
        if kind is not None:
            return [m for m in models if str(m.kind) == kind]
        if self.needs is not None:
            kinds = set(self.rules.kinds[self.needs.kind].catalog_kinds)
            return [m for m in models if str(m.kind) in kinds]
        return [m for m in models if m.kind == ModelKind.chat]

    def _sort_key(self, order: str, pool: list[CanonicalModel]) -> Any:
        """The key `search` sorts by: the rules' ranking for the role (fit), quality, or price."""
        if order == "price":
            return lambda m: (self._price(m)[0] is None, self._price(m)[0] or 0.0, m.canonical_id)
        if order == "quality" or self.needs is None:
            return self._order
        from llmhub.generator.scoring import rank

        ranked = rank(pool, self.needs, self.rules, self.quality)
        position = {s.model.canonical_id: index for index, s in enumerate(ranked)}
        return lambda m: (position.get(m.canonical_id, len(position)), m.canonical_id)

    def _order(self, model: CanonicalModel) -> tuple[Any, ...]:
        """Best figure first (estimates at the low end of their interval), then cheapest, then id."""
        figure = self._figure(model)
        price, _ = self._price(model)
        return (
            figure is None,
            -(figure.rank_value if figure is not None else 0.0),
            model.pricing.free,
            price is None,
            price if price is not None else 0.0,
            model.canonical_id,
        )

    def _entry(self, model: CanonicalModel, hosts: int) -> Result:
        price, note = self._price(model)
        entry: Result = {
            "id": model.canonical_id,
            "hosts": hosts,
            "quality": _short_quality(self._figure(model)),
            "price": price,
        }
        if note != "list":
            entry["price_note"] = note
        entry["context"] = model.limits.context
        entry["released"] = model.dates.release
        flags = self._flags(model)
        if flags:
            entry["flags"] = flags
        return entry

    # -- 2. model -------------------------------------------------------------------------------

    def model(self, model_id: str) -> Result:
        """One model's facts, each group with the source and snapshot it came from."""
        found = self._resolve(model_id)
        if isinstance(found, dict):
            return found
        model = found
        quality: Result = {"overall": _full_quality(self._figure(model, ()))}
        if self.categories:
            quality["task"] = _full_quality(self._figure(model))
        facts: Result = {
            "id": model.canonical_id,
            "name": model.identity.display_name,
            "kind": str(model.kind),
            "family": model.identity.family,
            "quality": quality,
            "price": self._price_facts(model),
            "limits": {"context": model.limits.context, "max_output": model.limits.max_output},
            "capabilities": _capabilities(model),
            "modalities": {
                "in": list(model.capabilities.input_modalities),
                "out": list(model.capabilities.output_modalities),
            },
            "open_weights": model.capabilities.open_weights,
            "dates": {"released": model.dates.release, "knowledge_cutoff": model.dates.knowledge_cutoff},
            "successor": model.lifecycle.successor,
            "flags": self._flags(model),
            "other_hosts": len(self._other_hosts(model)),
            "provenance": _provenance(model),
        }
        if not model.identity.callable:
            facts["flags"].append("not callable through any-llm")
        return {key: value for key, value in facts.items() if value not in (None, [], {})}

    def _price_facts(self, model: CanonicalModel) -> Result:
        price_in, price_out, _ = prices_at(model, self.context)
        blended, note = self._price(model)
        facts: Result = {"input": _round(price_in), "output": _round(price_out), "blended": blended, "note": note}
        if model.pricing.cache_read is not None:
            facts["cache_read"] = _round(model.pricing.cache_read)
        if model.pricing.context_tiers:
            facts["tiers"] = [
                {"above": t.above_tokens, "input": _round(t.input), "output": _round(t.output)}
                for t in model.pricing.context_tiers
            ]
        return facts

    # -- 3. compare -----------------------------------------------------------------------------

    def compare(self, model_ids: Sequence[str], categories: Sequence[str] | None = None) -> Result:
        """Models side by side: quality per category with intervals, prices at the role's context, limits."""
        if isinstance(model_ids, str) or not model_ids:
            return {"error": "model_ids must be a list of `provider:model` ids"}
        boards = self._boards(categories)
        if isinstance(boards, str):
            return {"error": boards}
        rows: list[Result] = []
        errors: list[Result] = []
        for model_id in list(dict.fromkeys(model_ids))[:MAX_COMPARE]:
            found = self._resolve(model_id)
            if isinstance(found, dict):
                errors.append(found)
            else:
                rows.append(self._row(found, boards))
        result: Result = {"models": rows}
        if errors:
            result["errors"] = errors
        if len(set(model_ids)) > MAX_COMPARE:
            result["note"] = f"compared the first {MAX_COMPARE} of {len(set(model_ids))}"
        return result

    def _boards(self, categories: Sequence[str] | None) -> dict[str, tuple[str, ...]] | str:
        """Label -> arena categories for each rating to show; an error message for an unknown name."""
        if categories is None:
            boards: dict[str, tuple[str, ...]] = {"overall": ()}
            if self.categories:
                boards["+".join(self.categories)] = self.categories
            return boards
        if isinstance(categories, str):
            categories = [categories]
        known = {"overall", "vision", *TASK_CATEGORIES}
        found: dict[str, tuple[str, ...]] = {}
        for name in categories:
            if name in known:
                found[name] = () if name == "overall" else (name,)
            elif name in self.rules.tasks:
                found[name] = tuple(self.rules.tasks[name].categories)
            else:
                near = difflib.get_close_matches(name, sorted(known | set(self.rules.tasks)), n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                return f"unknown category {name!r}{hint}; use arena categories, task names or 'overall'"
        return found

    def _row(self, model: CanonicalModel, boards: dict[str, tuple[str, ...]]) -> Result:
        price_in, price_out, _ = prices_at(model, self.context)
        blended, note = self._price(model)
        row: Result = {
            "id": model.canonical_id,
            "quality": {label: _short_quality(self._figure(model, cats)) for label, cats in boards.items()},
            "price": {"in": _round(price_in), "out": _round(price_out), "blended": blended},
            "context": model.limits.context,
            "max_output": model.limits.max_output,
            "released": model.dates.release,
            "capabilities": _capabilities(model),
        }
        if note != "list":
            row["price"]["note"] = note
        flags = self._flags(model)
        if flags:
            row["flags"] = flags
        if self.needs is not None:
            row["candidate"] = self._is_candidate(model)
        return row

    # -- 4. family ------------------------------------------------------------------------------

    def family(self, model_id: str) -> Result:
        """The model's versions (same family and size words, newest first), its successor, other hosts."""
        found = self._resolve(model_id)
        if isinstance(found, dict):
            return found
        model = found
        line = _line(model)
        kin = [
            m
            for m in self.catalog
            if m.provider == model.provider
            and m.kind == model.kind
            and (m.identity.family == model.identity.family if model.identity.family else _line(m)[0] == line[0])
        ]
        versions = sorted((m for m in kin if _line(m) == line), key=_newest_first)
        others = sorted((m for m in kin if _line(m) != line), key=_newest_first)
        result: Result = {
            "id": model.canonical_id,
            "family": model.identity.family or " ".join(line[0]),
            "versions": [self._version(m, m is model) for m in versions[:_LIST_CAP]],
            "other_sizes": _capped([m.canonical_id for m in others]),
            "successor": self._successor(model),
            "replaces": _capped(
                sorted(m.canonical_id for m in kin if m.lifecycle.successor and _names(m.lifecycle.successor, model))
            ),
        }
        hosts = sorted(self._other_hosts(model), key=lambda m: (self._order_price(m), m.canonical_id))
        result["other_hosts"] = {
            "count": len(hosts),
            "cheapest": [{"id": m.canonical_id, "price": self._price(m)[0]} for m in hosts[:5]],
        }
        return {key: value for key, value in result.items() if value not in (None, [])}

    def _order_price(self, model: CanonicalModel) -> tuple[bool, float]:
        price = self._price(model)[0]
        return (price is None, price if price is not None else 0.0)

    def _version(self, model: CanonicalModel, this: bool) -> Result:
        entry: Result = {
            "id": model.canonical_id,
            "released": model.dates.release,
            "quality": _short_quality(self._figure(model)),
            "price": self._price(model)[0],
        }
        flags = self._flags(model)
        if flags:
            entry["flags"] = flags
        if this:
            entry["this"] = True
        return entry

    def _successor(self, model: CanonicalModel) -> Result | None:
        if not model.lifecycle.successor:
            return None
        named = model.lifecycle.successor
        found = self.catalog.get(named) or self.catalog.get(model.provider, named.rpartition("/")[2])
        if found is None:
            return {"named": named, "in_catalog": False}
        successor: Result = {"named": named, "id": found.canonical_id}
        flags = self._flags(found)
        if flags:
            successor["flags"] = flags
        return successor

    # -- 5. why_excluded ------------------------------------------------------------------------

    def why_excluded(self, model_id: str) -> Result:
        """Which of the role's hard constraints removed the model (the first it fails), or that none did."""
        if self.needs is None:
            return {"error": "no role: why_excluded needs the role's constraints"}
        found = self._resolve(model_id)
        if isinstance(found, dict):
            return found
        failed = self._failed(found)
        if not failed:
            return {"id": found.canonical_id, "excluded": False, "note": "not excluded: a candidate for this role"}
        result: Result = {"id": found.canonical_id, "excluded": True, "by": failed[0]}
        if len(failed) > 1:
            result["also_fails"] = failed[1:]
        return result

    def _failed(self, model: CanonicalModel) -> list[str]:
        """The hard constraints `model` breaks for the role, in the order they are applied."""
        assert self.needs is not None
        failed = [label for label, check in constraints(self.needs, self.rules, self.today) if not check(model)]
        if not failed and not self._is_candidate(model):
            failed.append(PREVIEW_RULE)
        return failed

    # -- 6. cost --------------------------------------------------------------------------------

    def cost(self, model_id: str, input_tokens: int, output_tokens: int, requests: int = 1) -> Result:
        """USD for `requests` calls of `input_tokens` in and `output_tokens` out each, at the prompt's price tier.

        A prompt longer than a price tier's threshold pays that tier on input and output. `usd` is
        null when a price the calls need is unknown (a $0 placeholder or no listing), with the reason.
        """
        try:
            tokens_in, tokens_out, calls = int(input_tokens), int(output_tokens), int(requests)
        except (TypeError, ValueError):
            return {"error": "input_tokens, output_tokens and requests must be whole numbers"}
        if min(tokens_in, tokens_out, calls) < 0:
            return {"error": "input_tokens, output_tokens and requests must not be negative"}
        found = self._resolve(model_id)
        if isinstance(found, dict):
            return found
        model = found
        price_in, price_out, above = prices_at(model, tokens_in)
        tier = "list" if above is None else f"tier above {above} tokens"
        result: Result = {"id": model.canonical_id, "usd": None, "per_request": None}
        result["price"] = {"input": _round(price_in), "output": _round(price_out), "tier": tier}
        result["source"] = _source(model, "pricing")
        if model.pricing.free:
            return {**result, "usd": 0.0, "per_request": 0.0, "note": "free tier: rate-limited, no charge listed"}
        unknown = _unknown_price(model, price_in, price_out, tokens_out)
        if unknown is not None:
            return {**result, "note": unknown}
        each = (tokens_in * (price_in or 0.0) + tokens_out * (price_out or 0.0)) / 1_000_000
        return {**result, "usd": round(each * calls, 6), "per_request": round(each, 8)}

    # -- 7. check -------------------------------------------------------------------------------

    def check(self, model_id: str) -> Result:
        """The proposed pick against every hard constraint of the role: ok, or which it breaks."""
        if self.needs is None:
            return {"error": "no role: check needs the role's constraints"}
        found = self._resolve(model_id)
        if isinstance(found, dict):
            return {"ok": False, **found}
        failed = self._failed(found)
        return {"id": found.canonical_id, "ok": not failed, "failed": failed}

    # -- by name --------------------------------------------------------------------------------

    def call(self, name: str, arguments: dict[str, Any] | str | None = None) -> Result:
        """Run the tool `name` with `arguments` (a dict or its JSON text); bad calls give an error result."""
        method = _METHODS.get(name)
        if method is None:
            near = difflib.get_close_matches(name, list(_METHODS), n=1)
            return {"error": f"no tool {name!r}; tools: {', '.join(_METHODS)}", "did_you_mean": near}
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments or "{}")
            except json.JSONDecodeError as exc:
                return {"error": f"arguments are not JSON: {exc}"}
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict):
            return {"error": "arguments must be a JSON object"}
        try:
            result: Result = method(self, **arguments)
        except (TypeError, ValueError) as exc:
            return {"error": f"bad arguments for {name}: {exc}"}
        return result

    @staticmethod
    def dumps(result: Result) -> str:
        """A result as compact JSON, the text a tool message carries."""
        return json.dumps(result, separators=(",", ":"), ensure_ascii=False)


def _strings(values: Iterable[str] | str | None) -> list[str]:
    """A list of names from a list, or from one name given on its own."""
    if values is None:
        return []
    return [values] if isinstance(values, str) else list(values)


def _search_tests(
    capabilities: Sequence[str],
    providers: Sequence[str],
    max_price: float | None,
    min_context: int | None,
    open_weights: bool | None,
    query: str | None,
    price: Callable[[CanonicalModel], tuple[float | None, str]],
) -> list[tuple[str, Callable[[CanonicalModel], bool]]]:
    """Each filter of a search, named as the LLM wrote it (an empty result says which ones emptied it)."""
    tests: list[tuple[str, Callable[[CanonicalModel], bool]]] = [
        (f"capabilities {c}", CAPABILITY_CHECKS[c]) for c in capabilities
    ]
    if providers:
        wanted = set(providers)
        tests.append((f"providers {', '.join(providers)}", lambda m: m.provider in wanted))
    if max_price is not None:
        ceiling = float(max_price)
        tests.append((f"max_price {ceiling:g}", lambda m: (p := price(m)[0]) is not None and p <= ceiling))
    if min_context:
        minimum = int(min_context)
        tests.append((f"min_context {minimum}", lambda m: (m.limits.context or 0) >= minimum))
    if open_weights is not None:
        tests.append((f"open_weights {open_weights}", lambda m: m.capabilities.open_weights is open_weights))
    if query:
        words = query.lower().split()
        tests.append(
            (
                f"query {query!r}",
                lambda m: all(
                    w in f"{m.canonical_id} {m.identity.display_name} {m.identity.family or ''}".lower() for w in words
                ),
            )
        )
    return tests


def _empty_because(pool: Sequence[CanonicalModel], tests: list[tuple[str, Callable[[CanonicalModel], bool]]]) -> str:
    """Why a search found nothing: how many of the searched models each filter lets through on its own."""
    if not pool:
        return "there is nothing of this kind to search; try another kind or within_role false"
    # Counted as `matches` is: models, each host of one folded into it.
    total = len({_identity(m) for m in pool})
    alone = [f"{name}: {len({_identity(m) for m in pool if test(m)})} of {total}" for name, test in tests]
    return f"no model passes every filter; each filter alone lets through {'; '.join(alone)}. Loosen or drop one"


def _unknown_price(
    model: CanonicalModel, price_in: float | None, price_out: float | None, tokens_out: int
) -> str | None:
    """Why the cost cannot be known, or None when the prices it needs are listed."""
    placeholder = " (listed $0, a placeholder)" if model.pricing.listed_zero else ""
    if price_in is None:
        return f"price unknown: no input price{placeholder}"
    input_priced = model.kind in (ModelKind.embedding, ModelKind.rerank)
    if price_out is None and tokens_out and not input_priced:
        return f"price unknown: no output price{placeholder}"
    return None


def _source(model: CanonicalModel, group: str) -> str | None:
    found = model.source_of(group)
    if found["source"] is None:
        return None
    return " ".join(str(part) for part in (found["source"], found["snapshot"]) if part)


def _provenance(model: CanonicalModel) -> list[Result]:
    """Which source (and snapshot) each group of facts came from, groups sharing a source together."""
    by_source: dict[str, list[str]] = {}
    for group in model.provenance:
        found = model.source_of(group)
        text = " ".join(str(part) for part in (found["source"], found["snapshot"]) if part)
        if found["detail"]:
            text += f" ({found['detail']})"
        by_source.setdefault(text, []).append(group)
    return [{"from": text, "for": groups} for text, groups in by_source.items()]


def _identity(model: CanonicalModel) -> str:
    """Which model this is at any host: models.dev's cross-provider id, else the id, without a lab or host prefix.

    The lab's own listing often lacks models.dev's `canonical_model_id` (`anthropic:claude-opus-4-6`)
    while other hosts carry `anthropic/claude-opus-4-6`: both are `claude-opus-4-6`.
    """
    return (model.identity.canonical_model_id or model.model_id).rsplit("/", 1)[-1].lower()


def _line(model: CanonicalModel) -> tuple[tuple[str, ...], frozenset[str]]:
    """A model's line within its family: the words of its name (numbers dropped) and its variants."""
    name = parse_name(model.model_id)
    return name.words, name.variants


def _newest_first(model: CanonicalModel) -> tuple[str, str]:
    # Inverting the date string character by character sorts newest first with the id ascending.
    day = model.dates.release or ""
    return ("".join(chr(0x10FFFF - ord(c)) for c in day) if day else "\U0010ffff", model.canonical_id)


def _names(successor: str, model: CanonicalModel) -> bool:
    """`successor` (as a source spells it) names `model`."""
    return successor in (model.canonical_id, model.model_id) or successor.rpartition("/")[2] == model.model_id


_METHODS: dict[str, Callable[..., Result]] = {
    "search": CatalogTools.search,
    "model": CatalogTools.model,
    "compare": CatalogTools.compare,
    "family": CatalogTools.family,
    "why_excluded": CatalogTools.why_excluded,
    "cost": CatalogTools.cost,
    "check": CatalogTools.check,
}

_MODEL_ID = {"type": "string", "description": "`provider:model`, e.g. 'openai:gpt-4.1' (a bare model id also works)"}

TOOL_SPECS: list[Result] = [
    {
        "name": "search",
        "description": (
            "Find models for the role, by default in the rules' ranking for it (its cost, latency and quality "
            "preferences weighed; order=quality or order=price to sort otherwise). One entry per model, its hosts "
            "folded (hosts = how many providers serve it). Each entry: id, quality {value on the LMArena "
            "scale, basis measured|inherited|estimated, 95% interval} for the role's task, price = blended "
            "USD per million tokens at the role's context (null = unknown, price_note says why; never read "
            "null as cheap), context tokens, release date, flags (preview, free_tier, deprecated, retiring "
            "DATE). By default only the role's candidates (models passing all its hard constraints)."
        ),
        "parameters": {
            "type": "object",
            "properties": {
                "kind": {"type": "string", "description": "catalog kind: chat, embedding, image, speech, ..."},
                "capabilities": {
                    "type": "array",
                    "items": {"type": "string", "enum": list(CAPABILITY_CHECKS)},
                    "description": "all required",
                },
                "providers": {"type": "array", "items": {"type": "string"}, "description": "any of these"},
                "max_price": {"type": "number", "description": "highest blended USD per million tokens"},
                "min_context": {"type": "integer", "description": "fewest context tokens"},
                "open_weights": {"type": "boolean"},
                "query": {"type": "string", "description": "words that must all appear in the id or name"},
                "limit": {"type": "integer", "minimum": 1, "maximum": MAX_SEARCH, "default": 10},
                "within_role": {
                    "type": "boolean",
                    "default": True,
                    "description": "false: search every callable model, not only the role's candidates",
                },
                "order": {
                    "type": "string",
                    "enum": ["fit", "quality", "price"],
                    "default": "fit",
                    "description": "fit: the rules' ranking for the role; quality: best figure first; price: cheapest",
                },
            },
        },
    },
    {
        "name": "model",
        "description": (
            "One model's facts: quality (overall and for the role's task, with basis, interval and source), "
            "prices at the role's context (and price tiers), limits, capabilities, modalities, dates, "
            "successor, flags, how many other hosts serve it, and which source and snapshot each fact came "
            "from. An unknown id returns an error with did_you_mean."
        ),
        "parameters": {"type": "object", "properties": {"model_id": _MODEL_ID}, "required": ["model_id"]},
    },
    {
        "name": "compare",
        "description": (
            f"Up to {MAX_COMPARE} models side by side: quality per category (value, basis, interval), "
            "input/output/blended price at the role's context, context, max output, release date, "
            "capabilities, flags, and whether each is a candidate for the role."
        ),
        "parameters": {
            "type": "object",
            "properties": {
                "model_ids": {"type": "array", "items": _MODEL_ID, "maxItems": MAX_COMPARE},
                "categories": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "arena categories (coding, math, if, vision, ...), task names or 'overall'; "
                    "default: overall and the role's task",
                },
            },
            "required": ["model_ids"],
        },
    },
    {
        "name": "family",
        "description": (
            "A model's versions at its provider (same family and size, newest first, with quality and price), "
            "its other sizes, the successor its provider names, the models it replaces, and the cheapest "
            "other hosts of the same model."
        ),
        "parameters": {"type": "object", "properties": {"model_id": _MODEL_ID}, "required": ["model_id"]},
    },
    {
        "name": "why_excluded",
        "description": (
            "Why a model is not a candidate for the role: the first hard constraint it fails (by its text, "
            "as the spec and policy set it) and any others, or excluded: false."
        ),
        "parameters": {"type": "object", "properties": {"model_id": _MODEL_ID}, "required": ["model_id"]},
    },
    {
        "name": "cost",
        "description": (
            "USD for a volume of calls: requests x (input_tokens in + output_tokens out), at the price tier "
            "the prompt length falls into, with the prices used and their source. usd is null when a price "
            "it needs is unknown (note says why)."
        ),
        "parameters": {
            "type": "object",
            "properties": {
                "model_id": _MODEL_ID,
                "input_tokens": {"type": "integer", "minimum": 0, "description": "prompt tokens per request"},
                "output_tokens": {"type": "integer", "minimum": 0, "description": "output tokens per request"},
                "requests": {"type": "integer", "minimum": 0, "default": 1},
            },
            "required": ["model_id", "input_tokens", "output_tokens"],
        },
    },
    {
        "name": "check",
        "description": (
            "Check a proposed pick against every hard constraint of the role before answering: "
            "{ok, failed: [constraint texts]}. A pick with ok false will be rejected."
        ),
        "parameters": {"type": "object", "properties": {"model_id": _MODEL_ID}, "required": ["model_id"]},
    },
]
"""The tools' names, descriptions and JSON-schema arguments (the `function` object of OpenAI's format)."""


def openai_tools() -> list[Result]:
    """`TOOL_SPECS` as OpenAI's `tools=` list: `[{"type": "function", "function": spec}, ...]`."""
    return [{"type": "function", "function": spec} for spec in TOOL_SPECS]
