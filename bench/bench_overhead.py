"""Per-call overhead of LLMHub against calling any-llm or openai directly, on the same local server.

    python bench/bench_overhead.py [--calls 300] [--slow-calls 40]

The server (FakeOpenAIServer) runs in its own process so it does not share the GIL with the client
being measured. For each mode the script prints the median latency of:

    hub      LLMHub.completion / acompletion / embedding (any-llm inside, clients cached)
    reused   one AnyLLM.create(...) instance kept and reused
    module   module-level any_llm.completion / embedding (builds a new client on every call)
    openai   the raw openai client, reused

hub, reused and openai calls are interleaved call by call in a shuffled (seeded) order, so drift
and cache effects on a busy machine affect them equally. The ratios hub/reused (goal <= 1.15) and
module/hub (goal >= 5) are measured in the same run; nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import os
import random
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

MESSAGES = [{"role": "user", "content": "benchmark"}]
_rng = random.Random(20261122)  # seeded: the same call orders in every run
KEY = "bench-key"


def start_server() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "llmhub_runtime.testing"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def interleaved(fns: list[Callable[[], object] | None], calls: int, warmup: int = 10) -> list[float | None]:
    """Median ms of each function, calling them in turn `calls` times."""
    samples: list[list[float]] = [[] for _ in fns]
    order = list(range(len(fns)))
    for round_ in range(warmup + calls):
        _rng.shuffle(order)  # no client always runs first, or right after the same other client
        for index in order:
            fn = fns[index]
            if fn is None:
                continue
            started = time.perf_counter()
            fn()
            if round_ >= warmup:
                samples[index].append(time.perf_counter() - started)
    return [statistics.median(s) * 1000 if s else None for s in samples]


def ainterleaved(fns: list[Callable[[], Awaitable[object]] | None], calls: int, warmup: int = 10) -> list[float | None]:
    async def run() -> list[float | None]:
        samples: list[list[float]] = [[] for _ in fns]
        order = list(range(len(fns)))
        for round_ in range(warmup + calls):
            _rng.shuffle(order)
            for index in order:
                fn = fns[index]
                if fn is None:
                    continue
                started = time.perf_counter()
                await fn()
                if round_ >= warmup:
                    samples[index].append(time.perf_counter() - started)
        await close_loop_clients()
        return [statistics.median(s) * 1000 if s else None for s in samples]

    return asyncio.run(run())


def aconcurrent(fns: list[Callable[[], Awaitable[object]]], batches: int, width: int = 32) -> list[float | None]:
    """Median wall time of one batch of `width` concurrent calls, divided by `width`."""

    async def run() -> list[float | None]:
        samples: list[list[float]] = [[] for _ in fns]
        for round_ in range(batches + 1):
            for index, fn in enumerate(fns):
                started = time.perf_counter()
                await asyncio.gather(*(fn() for _ in range(width)))
                if round_ > 0:  # the first batch opens the connections
                    samples[index].append((time.perf_counter() - started) / width)
        await close_loop_clients()
        return [statistics.median(s) * 1000 for s in samples]

    return asyncio.run(run())


def median_ms(fn: Callable[[], object], calls: int, warmup: int = 3) -> float:
    return interleaved([fn], calls, warmup)[0] or 0.0


def amedian_ms(fn: Callable[[], Awaitable[object]], calls: int, warmup: int = 3) -> float:
    return ainterleaved([fn], calls, warmup)[0] or 0.0


# Async clients belong to one event loop; each measurement's asyncio.run gets its own, closed at the end.
_loop_clients: dict[tuple[int, str], Any] = {}


def loop_client(kind: str, factory: Callable[[], Any]) -> Any:
    key = (id(asyncio.get_running_loop()), kind)
    if key not in _loop_clients:
        _loop_clients[key] = factory()
    return _loop_clients[key]


async def close_loop_clients() -> None:
    loop_id = id(asyncio.get_running_loop())
    for key in [k for k in _loop_clients if k[0] == loop_id]:
        client = _loop_clients.pop(key)
        sdk = getattr(client, "client", client)
        await sdk.close()
    # Module-level any_llm makes (and drops) a client per call; collect them while their loop is still
    # running, so their close runs here rather than failing later on a closed loop ("Event loop is closed").
    gc.collect()
    await asyncio.sleep(0.05)


Row = tuple[str, float, float, float, float | None]
"""One line of the report: mode, then the median ms of hub, reused, module and openai (None: not measured)."""


@dataclasses.dataclass
class Clients:
    """The fake server called four ways: the hub, a reused AnyLLM, module-level any_llm and raw openai."""

    hub: Any
    reused: Any
    raw: Any
    module_args: dict[str, Any]
    # Async clients are built per event loop (see loop_client), so these make them rather than hold them.
    new_async_anyllm: Callable[[], Any]
    new_async_openai: Callable[[], Any]

    def areused(self) -> Any:
        return loop_client("anyllm", self.new_async_anyllm)

    def araw(self) -> Any:
        return loop_client("openai", self.new_async_openai)

    def close(self) -> None:
        self.hub.close()
        self.raw.close()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=300, help="calls per measurement for fast clients")
    parser.add_argument("--slow-calls", type=int, default=40, help="calls for module-level any_llm (slow)")
    return parser.parse_args()


def connect(base_url: str) -> Clients:
    """Every client, pointed at the fake server (the SDKs are imported only now, with warnings silenced)."""
    import openai
    from any_llm import AnyLLM

    from llmhub_runtime import LLMHub

    os.environ["BENCH_KEY"] = KEY
    hub = LLMHub(
        config={
            "providers": {"openai": {"api_base": base_url, "env_key": "BENCH_KEY"}},
            "roles": {
                "chat": {"provider": "openai", "model": "fake-chat", "params": {"temperature": 0.2}},
                "embed": {"provider": "openai", "model": "fake-embed", "mode": "embedding"},
                # The same call with a traffic split and a budget (in-process ledger), to measure what they add.
                "chat-ops": {
                    "provider": "openai",
                    "model": "fake-chat",
                    "params": {"temperature": 0.2},
                    "pricing": {"input_per_million": 1.0, "output_per_million": 1.0},
                    "variants": [{"name": "a", "weight": 1}, {"name": "b", "weight": 1}],
                    "budget": {"soft_usd": 1000000, "hard_usd": 1000000},
                },
            },
        }
    )
    return Clients(
        hub=hub,
        reused=AnyLLM.create("openai", api_key=KEY, api_base=base_url),
        raw=openai.OpenAI(api_key=KEY, base_url=base_url, max_retries=0),
        module_args={"provider": "openai", "api_key": KEY, "api_base": base_url},
        new_async_anyllm=lambda: AnyLLM.create("openai", api_key=KEY, api_base=base_url),
        new_async_openai=lambda: openai.AsyncOpenAI(api_key=KEY, base_url=base_url, max_retries=0),
    )


def drain(iterator: Any) -> None:
    for _ in iterator:
        pass


async def adrain(iterator: Any) -> None:
    async for _ in iterator:
        pass


def completion_rows(clients: Clients, n: int, slow: int) -> list[Row]:
    """Chat completions: sync, async, and async with 32 calls in flight."""
    import any_llm

    # Local names: a timed call then reads its client from a closure cell, not through an attribute lookup.
    hub, reused, raw, module_args = clients.hub, clients.reused, clients.raw, clients.module_args
    areused, araw = clients.areused, clients.araw
    rows: list[Row] = []

    hub_ms, reused_ms, raw_ms = interleaved(
        [
            lambda: hub.completion(role="chat", messages=MESSAGES),
            lambda: reused.completion(model="fake-chat", messages=MESSAGES, temperature=0.2),
            lambda: raw.chat.completions.create(model="fake-chat", messages=MESSAGES, temperature=0.2),
        ],
        n,
    )
    module_ms = median_ms(lambda: any_llm.completion("fake-chat", MESSAGES, temperature=0.2, **module_args), slow)
    rows.append(("sync completion", hub_ms, reused_ms, module_ms, raw_ms))  # type: ignore[arg-type]

    async def hub_async() -> Any:
        return await hub.acompletion(role="chat", messages=MESSAGES)

    async def reused_async() -> Any:
        return await areused().acompletion(model="fake-chat", messages=MESSAGES, temperature=0.2)

    async def raw_async() -> Any:
        return await araw().chat.completions.create(model="fake-chat", messages=MESSAGES, temperature=0.2)

    async def module_async() -> Any:
        return await any_llm.acompletion("fake-chat", MESSAGES, temperature=0.2, **module_args)

    hub_ms, reused_ms, raw_ms = ainterleaved([hub_async, reused_async, raw_async], n)
    rows.append(("async completion", hub_ms, reused_ms, amedian_ms(module_async, slow), raw_ms))  # type: ignore[arg-type]

    batches = max(n // 20, 5)
    hub_ms, reused_ms, raw_ms = aconcurrent([hub_async, reused_async, raw_async], batches)
    (concurrent_module_ms,) = aconcurrent([module_async], max(slow // 20, 3))
    rows.append(("async x32 concurrent", hub_ms, reused_ms, concurrent_module_ms, raw_ms))  # type: ignore[arg-type]
    return rows


def streaming_rows(clients: Clients, n: int, slow: int) -> list[Row]:
    """Streamed chat completions, each stream read to the end: sync and async."""
    import any_llm

    hub, reused, raw, module_args = clients.hub, clients.reused, clients.raw, clients.module_args
    areused, araw = clients.areused, clients.araw
    rows: list[Row] = []

    hub_ms, reused_ms, raw_ms = interleaved(
        [
            lambda: drain(hub.completion(role="chat", messages=MESSAGES, stream=True)),
            lambda: drain(reused.completion(model="fake-chat", messages=MESSAGES, temperature=0.2, stream=True)),
            lambda: drain(
                raw.chat.completions.create(model="fake-chat", messages=MESSAGES, temperature=0.2, stream=True)
            ),
        ],
        n,
    )
    module_ms = median_ms(lambda: drain(any_llm.completion("fake-chat", MESSAGES, stream=True, **module_args)), slow)
    rows.append(("sync streaming", hub_ms, reused_ms, module_ms, raw_ms))  # type: ignore[arg-type]

    async def hub_astream() -> None:
        await adrain(await hub.acompletion(role="chat", messages=MESSAGES, stream=True))

    async def reused_astream() -> None:
        await adrain(await areused().acompletion(model="fake-chat", messages=MESSAGES, temperature=0.2, stream=True))

    async def raw_astream() -> None:
        await adrain(
            await araw().chat.completions.create(model="fake-chat", messages=MESSAGES, temperature=0.2, stream=True)
        )

    async def module_astream() -> None:
        await adrain(await any_llm.acompletion("fake-chat", MESSAGES, stream=True, **module_args))

    hub_ms, reused_ms, raw_ms = ainterleaved([hub_astream, reused_astream, raw_astream], n)
    rows.append(("async streaming", hub_ms, reused_ms, amedian_ms(module_astream, slow), raw_ms))  # type: ignore[arg-type]
    return rows


def embedding_rows(clients: Clients, n: int, slow: int) -> list[Row]:
    """Embeddings of two inputs: sync and async."""
    import any_llm
    from any_llm.utils.aio import run_async_in_sync

    hub, reused, raw, module_args = clients.hub, clients.reused, clients.raw, clients.module_args
    areused, araw = clients.areused, clients.araw
    rows: list[Row] = []

    # An AnyLLM instance has no public sync embedding: bridge like the hub does.
    hub_ms, reused_ms, raw_ms = interleaved(
        [
            lambda: hub.embedding(role="embed", input=["a", "b"]),
            lambda: run_async_in_sync(reused.aembedding("fake-embed", ["a", "b"])),
            lambda: raw.embeddings.create(model="fake-embed", input=["a", "b"]),
        ],
        n,
    )
    module_ms = median_ms(lambda: any_llm.embedding("fake-embed", ["a", "b"], **module_args), slow)
    rows.append(("sync embedding", hub_ms, reused_ms, module_ms, raw_ms))  # type: ignore[arg-type]

    async def hub_aembed() -> Any:
        return await hub.aembedding(role="embed", input=["a", "b"])

    async def reused_aembed() -> Any:
        return await areused().aembedding("fake-embed", ["a", "b"])

    async def raw_aembed() -> Any:
        return await araw().embeddings.create(model="fake-embed", input=["a", "b"])

    async def module_aembed() -> Any:
        return await any_llm.aembedding("fake-embed", ["a", "b"], **module_args)

    hub_ms, reused_ms, raw_ms = ainterleaved([hub_aembed, reused_aembed, raw_aembed], n)
    rows.append(("async embedding", hub_ms, reused_ms, amedian_ms(module_aembed, slow), raw_ms))  # type: ignore[arg-type]
    return rows


def operations_row(clients: Clients, n: int) -> tuple[float, float, float]:
    """Sync completion: plain role, the same role with variants and a budget, and a reused AnyLLM (median ms)."""
    hub, reused = clients.hub, clients.reused
    plain, ops, direct = interleaved(
        [
            lambda: hub.completion(role="chat", messages=MESSAGES),
            lambda: hub.completion(role="chat-ops", messages=MESSAGES),
            lambda: reused.completion(model="fake-chat", messages=MESSAGES, temperature=0.2),
        ],
        n,
    )
    return plain or 0.0, ops or 0.0, direct or 0.0


def print_report(rows: list[Row], n: int, slow: int) -> None:
    print(f"median ms per call ({n} interleaved calls each; module-level any_llm: {slow})")
    header = f"{'mode':<22}{'hub':>8}{'reused':>8}{'module':>8}{'openai':>8}   {'hub/reused':>10}  {'module/hub':>10}"
    print(header)
    print("-" * len(header))
    worst_overhead, worst_speedup = 0.0, float("inf")
    for name, hub_ms, reused_ms, module_ms, raw_ms in rows:
        overhead = hub_ms / reused_ms
        speedup = module_ms / hub_ms
        worst_overhead = max(worst_overhead, overhead)
        worst_speedup = min(worst_speedup, speedup)
        raw_text = f"{raw_ms:8.2f}" if raw_ms is not None else f"{'-':>8}"
        print(f"{name:<22}{hub_ms:8.2f}{reused_ms:8.2f}{module_ms:8.2f}{raw_text}   {overhead:9.2f}x  {speedup:9.1f}x")
    print(
        f"worst hub/reused: {worst_overhead:.2f}x (goal <= 1.15x); worst module/hub: {worst_speedup:.1f}x (goal >= 5x)"
    )


def main() -> None:
    args = parse_args()
    warnings.simplefilter("ignore")
    n, slow = args.calls, args.slow_calls
    process, base_url = start_server()
    try:
        clients = connect(base_url)
        # The modes run in this order, so the seeded shuffles give every run the same call orders.
        rows = completion_rows(clients, n, slow) + streaming_rows(clients, n, slow) + embedding_rows(clients, n, slow)
        plain, ops, direct = operations_row(clients, n)
        clients.close()
    finally:
        process.terminate()
        process.wait()
    print_report(rows, n, slow)
    print(
        f"sync completion with variants + budget: {ops:.2f} ms (plain role {plain:.2f}, reused {direct:.2f}); "
        f"variants+budget/reused: {ops / direct:.2f}x"
    )


if __name__ == "__main__":
    main()
