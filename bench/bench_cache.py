"""What a response-cache hit costs, against a call that goes to the (local) server.

    python bench/bench_cache.py [--calls 2000]

One hub, two roles with the same deterministic request (temperature 0): `cached` has `cache: {ttl: 3600}`,
`plain` has none. The server (FakeOpenAIServer) runs in its own process. Printed: the median and 99th
percentile of a hit (sync, async, and sync with both hooks listening), of the same call sent to the server,
and of the store lookup alone. The goal is a hit well under a millisecond; nothing here fails on a slow
machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from bench_overhead import KEY, start_server

MESSAGES = [{"role": "user", "content": "what does a cache hit cost?"}]


def timings(fn: Callable[[], object], calls: int, warmup: int = 20) -> tuple[float, float]:
    """Median and 99th percentile, in ms."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    samples.sort()
    return statistics.median(samples) * 1000, samples[int(len(samples) * 0.99) - 1] * 1000


def atimings(fn: Callable[[], Awaitable[object]], calls: int, warmup: int = 20) -> tuple[float, float]:
    async def run() -> tuple[float, float]:
        for _ in range(warmup):
            await fn()
        samples = []
        for _ in range(calls):
            started = time.perf_counter()
            await fn()
            samples.append(time.perf_counter() - started)
        samples.sort()
        return statistics.median(samples) * 1000, samples[int(len(samples) * 0.99) - 1] * 1000

    return asyncio.run(run())


def build_hub(base_url: str, cache_dir: str, **hooks: Any) -> Any:
    from llmhub_runtime import LLMHub

    role = {"provider": "local", "model": "fake-chat", "params": {"temperature": 0, "max_tokens": 64}}
    return LLMHub(
        config={
            "providers": {"local": {"type": "openai", "api_base": base_url, "env_key": "BENCH_KEY"}},
            "roles": {"cached": {**role, "cache": {"ttl": 3600}}, "plain": role},
            "cache": {"dir": cache_dir},
        },
        **hooks,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=2000, help="timed calls per measurement")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    os.environ["BENCH_KEY"] = KEY
    process, base_url = start_server()
    rows: list[tuple[str, float, float]] = []
    try:
        with tempfile.TemporaryDirectory() as cache_dir:
            hub = build_hub(base_url, cache_dir)
            hooked = build_hub(base_url, cache_dir, on_before_call=lambda p: None, on_after_call=lambda p: None)
            hub.completion(role="cached", messages=MESSAGES)  # the one miss that fills the entry
            n = args.calls
            rows.append(("hit, sync", *timings(lambda: hub.completion(role="cached", messages=MESSAGES), n)))

            async def ahit() -> Any:
                return await hub.acompletion(role="cached", messages=MESSAGES)

            rows.append(("hit, async", *atimings(ahit, n)))
            rows.append(
                ("hit, sync, hooks on", *timings(lambda: hooked.completion(role="cached", messages=MESSAGES), n))
            )
            cache = hub._state.caches["cached"]
            request = hub._call("cached", "completion", {"messages": MESSAGES}, None, {}).build_request(
                hub.resolve("cached").targets[0], {"messages": MESSAGES}
            )
            key = cache.key(request)
            assert key is not None and cache.get(key) is not None
            rows.append(("store: key + get", *timings(lambda: cache.get(cache.key(request)), n)))
            wire = max(n // 10, 50)
            rows.append(
                ("no cache: to the server", *timings(lambda: hub.completion(role="plain", messages=MESSAGES), wire))
            )
            hub.close()
            hooked.close()
    finally:
        process.terminate()
        process.wait()
    print(f"{'':<26}{'median ms':>10}{'p99 ms':>10}")
    for name, median, p99 in rows:
        print(f"{name:<26}{median:10.3f}{p99:10.3f}")
    hit, wire_ms = rows[0][1], rows[-1][1]
    print(f"hit / call to the server: {hit / wire_ms:.2f}x; hit median {hit * 1000:.0f} us (goal: well under 1 ms)")


if __name__ == "__main__":
    main()
