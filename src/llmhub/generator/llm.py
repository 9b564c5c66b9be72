"""LLM-assisted generation, through `LLMHub` itself with instructor structured outputs.

Per role: (1) the LLM reads the description into structured needs (task, capabilities, context);
(2) the rule engine shortlists candidates under those needs; (3) the LLM picks the primary and
fallbacks from the shortlist with a rationale; (4) the pick is validated: an id outside the
shortlist is sent back to the LLM once with the error (instructor's re-ask), then the rules decide.
Any failure (timeout, auth, malformed output) falls back to the rules for that role, with a warning.
Prompts are files in `prompts/`.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import replace
from string import Template
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError, ValidationInfo, field_validator

from llmhub._resources import data_dir
from llmhub.catalog.models import Catalog
from llmhub.generator.candidates import filter_candidates, satisfies
from llmhub.generator.explain import choose, facts, model_identity, same_model
from llmhub.generator.needs import RoleNeeds
from llmhub.generator.rules import RuleSet
from llmhub.generator.scoring import Scored
from llmhub.refs import parse_model_ref
from llmhub.settings import Settings, current
from llmhub.spec.models import Capability, SpecConfig
from llmhub_runtime import LLMHub

__all__ = ["GENERATOR_ROLE", "LLMAssistant", "instructor_cause", "quiet_instructor", "unusable_reason"]

GENERATOR_ROLE = "llmhub.generator"
ReplyT = TypeVar("ReplyT", bound=BaseModel)


class RoleReading(BaseModel):
    """What the LLM read from a role's description."""

    task: str
    requires: list[Capability] = Field(default_factory=list)
    min_context: int | None = None
    summary: str = ""

    @field_validator("task")
    @classmethod
    def _known_task(cls, value: str, info: ValidationInfo) -> str:
        tasks = (info.context or {}).get("tasks", [])
        if tasks and value not in tasks:
            raise ValueError(f"task {value!r} is not one of {', '.join(tasks)}")
        return value


class ModelPick(BaseModel):
    """The LLM's choice for a role: ids from the shortlist only."""

    primary: str
    fallbacks: list[str] = Field(default_factory=list)
    rationale: str

    @field_validator("primary", "fallbacks")
    @classmethod
    def _from_shortlist(cls, value: Any, info: ValidationInfo) -> Any:
        allowed = (info.context or {}).get("allowed", [])
        for item in [value] if isinstance(value, str) else value:
            if allowed and item not in allowed:
                raise ValueError(
                    f"{item!r} is not on the shortlist; choose ids exactly as listed: {', '.join(allowed)}"
                )
        return value


def unusable_reason(spec: SpecConfig, reference: str, settings: Settings | None = None) -> str | None:
    """Why the generator model cannot be used (bad reference, provider disabled, key missing), or None."""
    try:
        provider, _ = parse_model_ref(reference, what="generator model")
    except ValueError as exc:
        return str(exc)
    config = spec.providers.get(provider)
    if config is not None and not config.enabled:
        return f"provider {provider!r} of the generator model is disabled in the spec"
    if config is not None and config.env_key:
        variable: str | None = config.env_key
    else:
        from llmhub.catalog.providers import is_anyllm_provider
        from llmhub.env_manager import provider_key_variable

        served_by = config.type if config is not None and config.type else provider
        if not is_anyllm_provider(served_by):
            return f"any-llm has no provider {served_by!r} (the generator model is provider:model)"
        variable = provider_key_variable(served_by)
    if variable and not current(settings).variable(variable):
        return f"{variable} is not set"
    return None


class LLMAssistant:
    """Calls the generator model through an `LLMHub` built from the spec's own provider settings."""

    def __init__(self, spec: SpecConfig, reference: str):
        import instructor

        settings = spec.generator
        self.shortlist_size = settings.shortlist if settings else 8
        self.reference = reference
        self.stopped: str | None = None
        """Why the LLM was given up on for the rest of the run (None while it is in use)."""
        quiet_instructor()
        self.hub = generator_hub(spec, reference)
        mode = instructor.Mode.TOOLS if settings is not None and settings.mode == "tools" else instructor.Mode.JSON
        self.client = instructor.from_litellm(functools.partial(self.hub.completion, GENERATOR_ROLE), mode=mode)
        self.prompts = {
            name: Template((data_dir("prompts") / f"{name}.md").read_text()) for name in ("interpret", "pick")
        }

    def _ask(
        self,
        response_model: type[ReplyT],
        prompt: str,
        context: dict[str, Any],
        role: str,
        step: str,
        warnings: list[str],
    ) -> ReplyT | None:
        """One structured question, or None (with a warning) when the answer is unusable.

        A reply that fails validation is sent back once with the error (instructor's re-ask). A
        failure of the call itself (auth, timeout, connection) stops the LLM for the rest of the run:
        every later role would wait for the same failure.
        """
        if self.stopped is not None:
            return None
        try:
            return self.client.chat.completions.create(
                response_model=response_model,
                messages=[{"role": "user", "content": prompt}],
                max_retries=1,  # one re-ask with the validation error, then the rules decide
                context=context,
            )
        except Exception as exc:
            cause = instructor_cause(exc)
            if isinstance(cause, ValidationError):
                problem = cause.errors()[0]["msg"] if cause.errors() else str(cause)
                warnings.append(
                    f"role {role!r}: the LLM's {step} was unusable twice ({_short(problem)}); the rules decided"
                )
                return None
            self.stopped = f"{type(cause).__name__}: {_short(str(cause))}"
            warnings.append(
                f"LLM-assisted generation stopped at role {role!r} ({self.stopped}); "
                "the rules chose this role and the rest"
            )
            return None

    def refine(self, needs: RoleNeeds, catalog: Catalog, rules: RuleSet, warnings: list[str]) -> RoleNeeds:
        """Needs with what the LLM read from the description; unchanged when the LLM fails."""
        prompt = self.prompts["interpret"].substitute(
            tasks=", ".join(rules.tasks),
            capabilities="tools, vision, structured_output, reasoning, audio_input, pdf",
            role=needs.role,
            kind=needs.kind.value,
            description=needs.description or "(none)",
            quality=needs.quality.value,
            cost=needs.cost.value,
            latency=needs.latency.value,
        )
        reading = self._ask(RoleReading, prompt, {"tasks": list(rules.tasks)}, needs.role, "reading", warnings)
        if reading is None:
            return needs
        refined = needs.with_llm(
            task=reading.task,
            task_reason=f"the LLM's reading: {reading.summary}".strip(),
            categories=tuple(rules.tasks[reading.task].categories),
            requires=needs.requires | frozenset(reading.requires),
            min_context=max(filter(None, (needs.min_context, reading.min_context)), default=None),
        )
        if not filter_candidates(catalog, refined, rules).models:
            # What the LLM read must not make a role impossible: keep its task, drop what it added.
            warnings.append(f"role {needs.role!r}: no model meets the needs the LLM read; using the spec's own")
            return replace(refined, requires=needs.requires, min_context=needs.min_context)
        return refined

    def pick(
        self, needs: RoleNeeds, ranked: list[Scored], rules: RuleSet, warnings: list[str]
    ) -> tuple[Scored, list[Scored], str] | None:
        """The LLM's primary and fallbacks from the shortlist, or None (with a warning) to use the rules' pick."""
        shortlist = diverse_shortlist(ranked, self.shortlist_size)
        if len(shortlist) == 1:
            return None  # nothing to choose between
        by_id = {s.model.canonical_id: s for s in shortlist}
        lines = [
            f"- {s.model.canonical_id}: quality {facts(s)['quality']}; price {facts(s)['price']}; "
            f"context {s.model.limits.context or '?'}; released {s.model.dates.release or '?'}; "
            f"tags {', '.join(s.model.tags) or '-'}; score {s.score:.3f}"
            for s in shortlist
        ]
        prompt = self.prompts["pick"].substitute(
            fallbacks=needs.fallbacks,
            role=needs.role,
            kind=needs.kind.value,
            description=needs.description or "(none)",
            task=needs.task,
            quality=needs.quality.value,
            cost=needs.cost.value,
            latency=needs.latency.value,
            shortlist="\n".join(lines),
        )
        pick = self._ask(ModelPick, prompt, {"allowed": list(by_id)}, needs.role, "pick", warnings)
        if pick is None:
            return None
        primary = by_id[pick.primary]
        # The shortlist passed every hard constraint already; re-check anyway, as the last word.
        broken = satisfies(primary.model, needs, rules)
        if broken:
            warnings.append(
                f"role {needs.role!r}: the LLM's pick {pick.primary} breaks {'; '.join(broken)}; the rules chose"
            )
            return None
        fallbacks = [by_id[f] for f in dict.fromkeys(pick.fallbacks) if f != pick.primary]
        fallbacks = [f for f in fallbacks if not satisfies(f.model, needs, rules)]
        fallbacks = [f for f in fallbacks if not same_model(f.model, primary.model)][: needs.fallbacks]
        if len(fallbacks) < needs.fallbacks:
            # Top up from the rules' ranking, so every role gets the fallbacks the spec asked for.
            chosen = [primary, *fallbacks]
            rest = [s for s in ranked if not any(same_model(s.model, c.model) for c in chosen)]
            _, extra = choose(
                [primary, *rest], needs.fallbacks - len(fallbacks), price_ratio=needs.fallback_price_ratio
            )
            fallbacks.extend(extra)
        return primary, fallbacks, pick.rationale


def diverse_shortlist(ranked: list[Scored], size: int) -> list[Scored]:
    """What the LLM chooses from: one entry per model (its best-ranked host), the rules' best first.

    The last two places go to the newest and the cheapest of the rest, so the LLM sees the trade-offs
    rather than one model listed once per host.
    """
    folded: list[Scored] = []
    seen: set[str] = set()
    for item in ranked:
        identity = model_identity(item.model)
        if identity not in seen:
            seen.add(identity)
            folded.append(item)
    if len(folded) <= size:
        return folded
    chosen = folded[: max(size - 2, 1)]
    rest = folded[len(chosen) :]
    newest = max(rest, key=lambda s: s.model.dates.release or "")  # the first of equals: deterministic
    priced = [s for s in rest if s.price is not None and s is not newest]
    extras = [newest, *([min(priced, key=lambda s: s.price or 0.0)] if priced else [])]
    return [*chosen, *extras][:size]


def quiet_instructor() -> None:
    """Keep instructor's log of failed attempts off the terminal; the warnings already say what matters.

    A NullHandler stops Python's last-resort handler from printing them, while an app that configured
    logging still receives them.
    """
    logger = logging.getLogger("instructor")
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())


def generator_hub(spec: SpecConfig, reference: str) -> LLMHub:
    """An `LLMHub` whose one role, `llmhub.generator`, is the generator model, reached as the spec says."""
    provider, model = parse_model_ref(reference, what="generator model")
    timeout = spec.generator.timeout if spec.generator else 60.0
    source = spec.providers.get(provider)
    provider_config: dict[str, Any] = {"timeout": timeout}
    if source is not None:
        provider_config.update(source.model_dump(exclude={"enabled"}, exclude_none=True, exclude_defaults=True))
        provider_config.setdefault("timeout", timeout)
    return LLMHub(
        config={
            "providers": {provider: provider_config},
            "roles": {GENERATOR_ROLE: {"provider": provider, "model": model, "params": {"temperature": 0}}},
            # One attempt per call: the loop re-asks on bad output, and the rules are the fallback.
            "resilience": {"max_retries": 1, "backoff_initial_seconds": 1.0, "fallbacks": False},
        }
    )


def instructor_cause(exc: BaseException) -> BaseException:
    """The error behind instructor's retry wrapper: the last validation error, or the call's own failure.

    instructor raises its retry error from the last attempt's error, which is the call's failure when
    a re-ask itself failed (its `failed_attempts` then end with the earlier validation error).
    """
    if type(exc).__name__.startswith("Instructor"):
        if exc.__cause__ is not None:
            return exc.__cause__
        attempts = getattr(exc, "failed_attempts", None)
        if attempts:
            return attempts[-1].exception  # type: ignore[no-any-return]
    return exc


def _short(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
