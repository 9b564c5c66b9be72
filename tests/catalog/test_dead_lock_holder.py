"""A catalog build killed while holding the build lock does not make the next build wait."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from llmhub.catalog.cache import CatalogCache


def test_a_dead_holders_lock_is_taken_at_once(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)  # that process has exited: its pid names no one now
    cache = CatalogCache(tmp_path)
    cache._open().add("lock:build", dead_pid, expire=3600)
    started = time.monotonic()
    with cache.lock(timeout=30):
        waited = time.monotonic() - started
        assert cache._open().get("lock:build") != dead_pid  # this process holds it now
    assert waited < 5  # not the 30 s timeout, nor the hour-long expiry
    cache.close()
