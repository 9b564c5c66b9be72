"""LLM Hub end to end: compile llmhub.spec.yaml into llmhub.yaml, then call its roles. No key, no network.

    python examples/quickstart/app.py

1. `generate`: the rule engine reads the roles in llmhub.spec.yaml and picks a model and fallbacks
   for each from the catalog (offline: cached or bundled models.dev data, plus the local server's
   models from llmhub.catalog-overrides.yaml), explains why, and writes llmhub.yaml (the same as
   `llmhub generate --no-llm --spec examples/quickstart/llmhub.spec.yaml`).
2. `call`: LLMHub loads that llmhub.yaml and calls the roles through any-llm against a local
   OpenAI-compatible server (llmhub_runtime.testing.FakeOpenAIServer), which echoes the last user
   message back. Set LLMHUB_EXAMPLE_API_BASE to a real server (e.g. Ollama's
   http://127.0.0.1:11434/v1) and list its models in the overrides file to use that instead.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from llmhub import GeneratorOptions, build_catalog, generate_runtime_from_spec, load_spec, save_runtime
from llmhub.schemas import write_schema
from llmhub_runtime import LLMHub
from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse

HERE = Path(__file__).resolve().parent
SPEC = HERE / "llmhub.spec.yaml"
OUTPUT = HERE / "llmhub.yaml"


def generate() -> None:
    print(f"1. Generating {OUTPUT.name} from {SPEC.name} (rules only, offline catalog)")
    catalog = build_catalog(offline=True, overrides=HERE / "llmhub.catalog-overrides.yaml")
    result = generate_runtime_from_spec(load_spec(SPEC), GeneratorOptions(catalog=catalog, no_llm=True))
    for explanation in result.explanations.values():
        role = result.runtime.roles[explanation.role]
        fallbacks = ", ".join(f"{f.provider}:{f.model}" for f in role.fallbacks) or "none"
        print(f"   {explanation.role}: {explanation.choice} (fallbacks: {fallbacks})")
        print(f"      why: {explanation.facts.get('price')}; quality {explanation.facts.get('quality')}")
        for runner in explanation.runner_ups[:1]:
            print(f"      {runner['model']} lost: {runner['why']}")
    # Written only when the roles or the catalog changed; the replaced file is kept under .llmhub/backup/.
    save_runtime(OUTPUT, result.runtime, text=result.text())
    write_schema("spec", SPEC)  # what the spec's `yaml-language-server` line points editors at


def log_after(result: dict) -> None:
    status = "ok" if result["success"] else f"failed ({result['error_type']})"
    cost = f"${result['cost_usd']:.6f}" if result["cost_usd"] is not None else "n/a"
    print(
        f"  [hook] {result['role']} -> {result['provider']}:{result['model']} attempt {result['attempt']} "
        f"{status}, {result['latency_ms']:.1f} ms, tokens {result['usage']}, cost {cost}"
    )


def main() -> None:
    generate()
    server = None
    if "LLMHUB_EXAMPLE_API_BASE" not in os.environ:
        server = FakeOpenAIServer().start()
        os.environ["LLMHUB_EXAMPLE_API_BASE"] = server.base_url
    os.environ.setdefault("LLMHUB_EXAMPLE_API_KEY", "not-needed-locally")
    print(f"2. Calling the roles in {OUTPUT.name} via {os.environ['LLMHUB_EXAMPLE_API_BASE']}")

    with LLMHub(config_path=OUTPUT, strict_env=True, on_after_call=log_after) as hub:
        reply = hub.completion(
            role="llm.inference",
            messages=[{"role": "user", "content": "Explain LLM Hub in one line."}],
        )
        print("completion:", reply.choices[0].message.content)

        chunks = hub.completion(
            role="llm.inference", messages=[{"role": "user", "content": "Streaming works too."}], stream=True
        )
        streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        print("stream:    ", streamed)

        vectors = hub.embedding(role="llm.embedding", input=["hello world", "goodbye world"])
        print(f"embedding: {len(vectors.data)} vectors of {len(vectors.data[0].embedding)} dims")

        if server is not None:
            # Show resilience: the primary model is overloaded three times, so the fallback answers.
            server.enqueue(*[ScriptedResponse(status=503)] * 3, model="fake-chat")
            reply = hub.completion(role="llm.inference", messages=[{"role": "user", "content": "Still there?"}])
            print("after 3 x 503 on the primary:", reply.choices[0].message.content)

        # The breaker remembers the 503s above: while the primary has failed recently, only as many
        # concurrent calls as failures are left before its threshold try it; the rest go straight to
        # the fallback (docs/runtime.md, "Resilience"). So one of these three is served by fake-chat-small.
        async def concurrently() -> list[str]:
            replies = await asyncio.gather(
                *(
                    hub.acompletion(role="llm.inference", messages=[{"role": "user", "content": f"#{i}"}])
                    for i in range(3)
                )
            )
            return [r.choices[0].message.content for r in replies]

        print("async:", asyncio.run(concurrently()))

    if server is not None:
        server.stop()
    print(
        "Done. Next: describe your roles in llmhub.spec.yaml (`llmhub init`), run `llmhub generate`, "
        "and call hub.completion(role=...) from your app."
    )


if __name__ == "__main__":
    main()
