"""Call roles through LLMHub against a local OpenAI-compatible server: no API key, no network.

    python examples/quickstart/app.py

The fake server (llmhub_runtime.testing.FakeOpenAIServer) echoes the last user message back. Set
LLMHUB_EXAMPLE_API_BASE to a real server (e.g. Ollama's http://127.0.0.1:11434/v1) to use that instead.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from llmhub_runtime import LLMHub
from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse

HERE = Path(__file__).resolve().parent


def log_after(result: dict) -> None:
    status = "ok" if result["success"] else f"failed ({result['error_type']})"
    cost = f"${result['cost_usd']:.6f}" if result["cost_usd"] is not None else "n/a"
    print(
        f"  [hook] {result['role']} -> {result['provider']}:{result['model']} attempt {result['attempt']} "
        f"{status}, {result['latency_ms']:.1f} ms, tokens {result['usage']}, cost {cost}"
    )


def main() -> None:
    server = None
    if "LLMHUB_EXAMPLE_API_BASE" not in os.environ:
        server = FakeOpenAIServer().start()
        os.environ["LLMHUB_EXAMPLE_API_BASE"] = server.base_url
    os.environ.setdefault("LLMHUB_EXAMPLE_API_KEY", "not-needed-locally")
    print(f"Serving roles from {HERE / 'llmhub.yaml'} via {os.environ['LLMHUB_EXAMPLE_API_BASE']}")

    with LLMHub(config_path=HERE / "llmhub.yaml", strict_env=True, on_after_call=log_after) as hub:
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
    print("Done. Next: write llmhub.yaml for your providers and call hub.completion(role=...) from your app.")


if __name__ == "__main__":
    main()
