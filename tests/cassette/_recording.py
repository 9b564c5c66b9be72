"""vcrpy set-up shared by the cassette tests: where cassettes live, what is filtered, how to record.

Replay (the default) needs no server and no key. Record with LLMHUB_VCR_RECORD_MODE=all (see each
test module for what it records against). Keys never reach the files: the auth headers are
filtered at record time, and test_cassettes_contain_no_secrets fails otherwise.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import vcr  # type: ignore[import-untyped]  # vcrpy ships no type information

REPO_ROOT = Path(__file__).resolve().parents[2]
CASSETTES = REPO_ROOT / "cassettes"
RECORD_MODE = os.environ.get("LLMHUB_VCR_RECORD_MODE", "none")
RECORDING_KEY = "sk-cassette-recording-key-0123456789abcdef"
CLOSED_PORT_BASE = "http://127.0.0.1:9/v1"
"""Where replaying tests point providers: nothing listens there, so a request vcrpy did not serve fails."""

SENSITIVE_HEADERS = [
    "authorization",
    "x-api-key",
    "api-key",
    "x-goog-api-key",
    "openai-organization",
    "openai-project",
    "cookie",
]
SECRET_PATTERNS = [
    re.compile(r"(?im)^\s*-?\s*['\"]?(authorization|x-api-key|api-key|x-goog-api-key)['\"]?\s*:"),
    re.compile(r"Bearer\s+\S+"),
    re.compile(r"sk-[A-Za-z0-9_\-]{16,}"),
    re.compile(r"AIza[0-9A-Za-z_\-]{30,}"),
]


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in {"set-cookie", "openai-organization", "openai-project"}:
            del headers[name]
    return response


def make_vcr(library: Path, record_mode: str = RECORD_MODE) -> vcr.VCR:
    return vcr.VCR(
        cassette_library_dir=str(library),
        record_mode=record_mode,
        # Host and port differ between the recording server and replay, so they are not matched on.
        match_on=["method", "path", "query", "body"],
        filter_headers=SENSITIVE_HEADERS,
        filter_query_parameters=["key", "api_key"],
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
