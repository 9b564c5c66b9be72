"""What the agentic generator's research costs per role, in tokens, on the selection benchmark's specs.

    python bench/bench_agent.py [--snapshot DIR] [--price-in 0.15] [--price-out 0.6]
    python bench/bench_agent.py --model openai:gpt-4.1-mini [--api-base URL] [--env-key VAR]
                                [--roles N] [--transcript FILE]

By default the LLM here is a fixed research policy written in Python, not a model: per role it
searches (10 results), compares the top three, checks its choice and answers. It sends exactly what a
model would be sent (the real system prompt, the role brief, the tools' specs and their answers from
the real catalog), so the token counts are the loop's real overhead for a short research; a real
model that looks up more spends more. Tokens are estimated as characters / 4. The policy's picks are
compared with the rules' and the expert table's for information only: they say how good a naive "best
measured of the top three" is, not how good an LLM is.

With `--model provider:model`, a real model researches every role through `LLMHub` and any-llm,
exactly as `llmhub generate` runs it (the provider's key from its usual variable, or `--env-key`;
`--api-base` for a proxy or a local server). Tokens are then the provider's own usage figures, and
the agreement with the rules and the expert table is that model's judgement. That costs real money:
about 57 roles x 10k tokens, a few cents at a small model's prices. `--roles N` researches only the
first N roles (a slow local model); `--transcript FILE` writes each role's whole conversation (every
message sent, every reply, the tools' answers as the model saw them) for docs/generator.md.

Cost assumes a small model's prices (USD per million tokens, default $0.15 in / $0.60 out: the
gpt-4o-mini / Gemini Flash-Lite class); pass the real model's with --price-in/--price-out.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_selection as selection  # noqa: E402  (the benchmark's spec, catalog and expert helpers)


class Policy:
    """The scripted researcher: search, compare the top three, answer with the best that passes `check`."""

    def __init__(self) -> None:
        self.sent_chars = 0
        self.answered_chars = 0
        self.turns = 0

    def __call__(
        self, *, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None = None, **kwargs: Any
    ) -> Any:
        self.turns += 1
        self.sent_chars += len(json.dumps(messages)) + len(json.dumps(tools or []))
        tool_results = [json.loads(m["content"]) for m in messages if m["role"] == "tool"]
        if not tool_results:
            return self._calls(("search", {"limit": 10}))
        last = tool_results[-1]
        if "models" in last and "matches" in last:  # the search answer: compare its top three
            ids = [m["id"] for m in last["models"][:3]]
            return self._calls(("compare", {"model_ids": ids})) if ids else self._answer("none:none", [])
        if "models" in last:  # the comparison: check the first candidate of the role
            ids = [m["id"] for m in last["models"] if m.get("candidate", True)]
            return self._calls(("check", {"model_id": ids[0]})) if ids else self._answer("none:none", [])
        if "ok" in last:
            compared = next(r for r in reversed(tool_results) if "models" in r and "matches" not in r)
            ids = [m["id"] for m in compared["models"]]
            return self._answer(last["id"], [i for i in ids if i != last["id"]])
        return self._answer("none:none", [])

    @property
    def tokens_in(self) -> float:
        """What the policy sent, in tokens (characters / 4)."""
        return self.sent_chars / 4

    @property
    def tokens_out(self) -> float:
        """What it answered, in tokens (characters / 4)."""
        return self.answered_chars / 4

    def _calls(self, *calls: tuple[str, dict[str, Any]]) -> Any:
        made = [
            {"id": f"call_{self.turns}_{i}", "type": "function", "function": {"name": n, "arguments": json.dumps(a)}}
            for i, (n, a) in enumerate(calls)
        ]
        self.answered_chars += len(json.dumps([{"name": n, "arguments": a} for n, a in calls]))
        return self._response(None, made)

    def _answer(self, primary: str, fallbacks: list[str]) -> Any:
        content = json.dumps({"primary": primary, "fallbacks": fallbacks, "rationale": "best measured of three"})
        self.answered_chars += len(content)
        return self._response(content, None)

    @staticmethod
    def _response(content: str | None, calls: list[dict[str, Any]] | None) -> Any:
        """A reply as any-llm returns it (the final answer is read by instructor, as with a real model)."""
        from any_llm.types.completion import ChatCompletion

        message: dict[str, Any] = {"role": "assistant", "content": content, **({"tool_calls": calls} if calls else {})}
        choice = {"index": 0, "finish_reason": "tool_calls" if calls else "stop", "message": message}
        return ChatCompletion.model_validate(
            {"id": "policy", "object": "chat.completion", "created": 0, "model": "policy", "choices": [choice]}
        )


class Metered:
    """A real model's chat turns, counted from the usage each response reports, and the conversation kept."""

    def __init__(self, complete: Any) -> None:
        self.complete = complete
        self.turns = 0
        self.tokens_in = 0
        self.tokens_out = 0
        self.sent: list[dict[str, Any]] = []
        """The messages of the latest turn: the whole conversation so far (each turn resends it)."""
        self.replies: list[Any] = []

    def __call__(self, **kwargs: Any) -> Any:
        self.turns += 1
        self.sent = list(kwargs.get("messages", []))
        response = self.complete(**kwargs)
        self.replies.append(response)
        usage = getattr(response, "usage", None)
        self.tokens_in += int(getattr(usage, "prompt_tokens", 0) or 0)
        self.tokens_out += int(getattr(usage, "completion_tokens", 0) or 0)
        return response

    def transcript(self, role: str, outcome: str) -> str:
        """The conversation as the model saw it, one block per message, then its last reply and the outcome."""
        lines = [f"## {role}", ""]
        for message in self.sent:
            calls = message.get("tool_calls") or []
            text = message.get("content") or ""
            lines.append(f"{message['role']:<10} {text}".rstrip())
            lines.extend(f"{'':<10} -> {c['function']['name']}({c['function']['arguments']})" for c in calls)
        if self.replies:
            last = self.replies[-1].choices[0].message
            lines.append(f"{'assistant':<10} {last.content or ''}".rstrip())
            lines.extend(f"{'':<10} -> {c.function.name}({c.function.arguments})" for c in (last.tool_calls or []))
        lines += ["", f"outcome: {outcome}", "", ""]
        return "\n".join(lines)


def model_completion(reference: str, api_base: str | None, env_key: str | None) -> Any:
    """`hub.completion` for the generator role, reached as a spec's `generator.model` would be."""
    import functools

    from llmhub.generator.llm import GENERATOR_ROLE, generator_hub
    from llmhub.refs import parse_model_ref
    from llmhub.spec.models import SpecConfig

    provider, _ = parse_model_ref(reference, what="--model")
    source = {key: value for key, value in (("api_base", api_base), ("env_key", env_key)) if value}
    spec = SpecConfig.model_validate({"providers": {provider: source}, "roles": {}})
    return functools.partial(generator_hub(spec, reference).completion, GENERATOR_ROLE)


def main() -> None:
    from llmhub.generator.agent import research_role
    from llmhub.generator.needs import needs_for
    from llmhub.generator.pipeline import GeneratorOptions, generate_runtime_from_spec
    from llmhub.generator.rules import load_rules
    from llmhub.generator.tools import CatalogTools

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    snapshots = selection.default_snapshots()
    parser.add_argument("--snapshot", type=Path, default=snapshots[-1] if snapshots else None)
    parser.add_argument("--price-in", type=float, default=0.15)
    parser.add_argument("--price-out", type=float, default=0.6)
    parser.add_argument("--model", help="provider:model: a real model researches (costs money; needs its key)")
    parser.add_argument("--api-base", help="with --model: the provider's base URL (a proxy, a local server)")
    parser.add_argument("--env-key", help="with --model: the variable holding the key (default: the provider's)")
    parser.add_argument("--roles", type=int, help="research only the first N roles (a slow local model)")
    parser.add_argument("--transcript", type=Path, help="with --model: write each role's conversation here")
    args = parser.parse_args()
    if args.snapshot is None:
        raise SystemExit("no catalog snapshot: pass --snapshot DIR")
    rules = load_rules(None)
    complete = model_completion(args.model, args.api_base, args.env_key) if args.model else None
    expert = selection.load_expert(HERE / "selection" / "expert.yaml")
    with tempfile.TemporaryDirectory(prefix="llmhub-bench-agent-") as work:
        catalog = selection.make_catalog(args.snapshot, Path(work))
        rows: list[dict[str, Any]] = []
        transcripts: list[str] = []
        for app, (_, spec) in selection.load_specs(HERE / "selection" / "specs").items():
            rules_picks = generate_runtime_from_spec(spec, GeneratorOptions(catalog=catalog, rules=rules, no_llm=True))
            for name, role in spec.roles.items():
                needs = needs_for(name, role, spec, rules)
                if role.force_model or rules.kinds[needs.kind].directions:
                    continue
                if args.roles is not None and len(rows) >= args.roles:
                    break
                turn = Metered(complete) if complete is not None else Policy()
                research = research_role(turn, CatalogTools(catalog, rules, needs), needs)
                chosen = rules_picks.runtime.roles[name]
                if isinstance(turn, Metered) and args.transcript is not None:
                    verdict = selection.expert_verdict(expert.get(app, {}).get(name), research.primary)
                    outcome = (
                        f"picked {research.primary} (the expert table: {'accepted' if verdict else 'not accepted'})"
                        if research.primary
                        else f"no pick, the rules decide: {research.stopped}"
                    )
                    outcome += f"; the rules chose {chosen.provider}:{chosen.model}"
                    transcripts.append(turn.transcript(f"{app} / {name}", outcome))
                rows.append(
                    {
                        "app": app,
                        "turns": turn.turns,
                        "tokens_in": turn.tokens_in,
                        "tokens_out": turn.tokens_out,
                        "agrees": research.primary == f"{chosen.provider}:{chosen.model}",
                        "expert": selection.expert_verdict(expert.get(app, {}).get(name), research.primary),
                        "picked": research.primary is not None,
                    }
                )
    if args.transcript is not None and transcripts:
        args.transcript.write_text("".join(transcripts), encoding="utf-8")
    per_role_in = statistics.mean(r["tokens_in"] for r in rows)
    per_role_out = statistics.mean(r["tokens_out"] for r in rows)
    cost = (per_role_in * args.price_in + per_role_out * args.price_out) / 1e6
    judged = [r for r in rows if r["expert"] is not None]
    who, counted = (
        (f"the model {args.model}", "as the provider reported")
        if args.model
        else (
            "a scripted policy, not a model",
            "characters / 4",
        )
    )
    print(f"agentic research on {len(rows)} roles of {args.snapshot.name} ({who})")
    print(f"  turns per role            {statistics.mean(r['turns'] for r in rows):.1f}")
    print(f"  tokens per role           {per_role_in:,.0f} in, {per_role_out:,.0f} out ({counted})")
    print(f"  cost per role             ${cost:.5f}; a 12-role spec ${12 * cost:.4f}")
    print(f"                            (at ${args.price_in}/M in, ${args.price_out}/M out)")
    print(f"  picked                    {sum(r['picked'] for r in rows)} of {len(rows)}")
    print(f"  same pick as the rules    {sum(r['agrees'] for r in rows)} of {len(rows)}")
    print(f"  accepted by the experts   {sum(bool(r['expert']) for r in judged)} of {len(judged)} judged")


if __name__ == "__main__":
    main()
