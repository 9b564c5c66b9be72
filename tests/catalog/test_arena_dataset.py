"""LMArena's official leaderboard dataset, served from 127.0.0.1 in the datasets-server rows API's layout."""

import json
import threading
import time
from collections.abc import Container, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

import pytest

from llmhub.catalog import arena_mapping, build_catalog
from llmhub.catalog.models import Catalog, SourceStatus
from llmhub.catalog.sources import arena, arena_dataset, litellm, modelsdev
from llmhub.catalog.sources._http import RawPayload
from llmhub.catalog.sources.arena import Board
from llmhub.errors import SourceError


def _row(
    model: str,
    category: str,
    rating: float,
    low: float | None = None,
    high: float | None = None,
    votes: int = 1000,
    day: str = "2026-09-13",
    rank: int = 1,
) -> dict[str, Any]:
    return {
        "model_name": model,
        "organization": "Some Lab",
        "license": "Proprietary",
        "rating": rating,
        "rating_lower": low if low is not None else rating - 5,
        "rating_upper": high if high is not None else rating + 5,
        "variance": 6.25,
        "vote_count": votes,
        "rank": rank,
        "category": category,
        "leaderboard_publish_date": day,
    }


TEXT_ROWS = [
    _row("claude-opus-4-5-20251101", "overall", 1475.25, 1470.0, 1480.5, votes=20543),
    _row("gpt-4.1-2025-04-14", "overall", 1420.0, 1415.0, 1425.0, votes=30000, day="2026-09-06"),
    _row("gemini-2.5-pro", "overall", 1455.5),
    {**_row("broken-rating", "overall", 1400.0), "rating": "high"},  # malformed: not a number
    _row("claude-opus-4-5-20251101", "coding", 1510.0),
    _row("gpt-4.1-2025-04-14", "coding", 1460.0),
    _row("gpt-4.1-2025-04-14", "hard_prompts", 1431.0),  # hard_6 in the catalog's names
    _row("gpt-4.1-2025-04-14", "instruction_following", 1422.0),  # if
    _row("gpt-4.1-2025-04-14", "german", 1440.0),
    _row("gemini-2.5-pro", "german", 1466.0),
    _row("gpt-4.1-2025-04-14", "math", 1380.0, low=1390.0),  # malformed: interval above the rating
    _row("only-in-a-category", "coding", 1300.0),  # no overall rating: not on the board
    _row("gemini-2.5-pro", "industry_mathematical", 1470.0),  # not a category the catalog keeps
]
IMAGE_ROWS = [
    _row("gpt-image-1", "overall", 1160.0, votes=9000, day="2026-09-22"),
    _row("flux-2-pro", "overall", 1150.0, day="2026-09-22"),
]
VISION_ROWS = [_row("gpt-4.1-2025-04-14", "overall", 1250.0, day="2026-09-13")]


def rows_api_document(rows: list[dict[str, Any]], truncated: Container[int] = ()) -> dict[str, Any]:
    """A whole split in the rows API's layout: what the server pages through."""
    return {
        "features": [{"feature_idx": i, "name": name, "type": {"dtype": "string", "_type": "Value"}}
                     for i, name in enumerate(rows[0])],
        "rows": [
            {"row_idx": i, "row": row, "truncated_cells": ["rating"] if i in truncated else []}
            for i, row in enumerate(rows)
        ],
        "num_rows_total": len(rows),
        "num_rows_per_page": 100,
        "partial": False,
    }  # fmt: skip


def _source(catalog: Catalog, name: str) -> SourceStatus:
    """How one source fared in the catalog's build: the test expects it to be listed."""
    status = catalog.source(name)
    assert status is not None, name
    return status


class _RowsHandler(BaseHTTPRequestHandler):
    """GET /rows?dataset=...&config=...&split=latest&offset=N&length=M from one file per config."""

    files: ClassVar[dict[str, str]] = {}
    requests: ClassVar[list[dict[str, str]]] = []
    fail_offsets: ClassVar[dict[int, list[int]]] = {}  # offset -> HTTP statuses to answer, in turn (the last sticks)
    slow_offsets: ClassVar[set[int]] = set()

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        type(self).requests.append(query)
        offset, length = int(query.get("offset", 0)), int(query.get("length", 100))
        if url.path != "/rows" or query.get("dataset") != arena_dataset.DATASET or query.get("split") != "latest":
            return self._send(404, b'{"error": "Not found."}')
        if length > 100:
            return self._send(422, b'{"error": "Parameter \'length\' must not be greater than 100"}')
        statuses = self.fail_offsets.get(offset)
        if statuses:
            status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
            if status != 200:
                return self._send(status, b'{"error": "boom"}')
        if offset in self.slow_offsets:
            time.sleep(1.5)
        path = self.files.get(query.get("config", ""))
        if path is None:
            return self._send(404, b'{"error": "The config does not exist."}')
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        page = dict(document, rows=document["rows"][offset : offset + length])
        return self._send(200, json.dumps(page).encode())

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def rows_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The rows API on 127.0.0.1 with small pages (4 rows), serving the text, vision and image boards."""
    monkeypatch.setattr(arena_dataset, "PAGE_ROWS", 4)
    files: dict[str, str] = {}
    for config, rows, truncated in (
        ("text_style_control", TEXT_ROWS, {2}),  # gemini-2.5-pro's overall rating arrives truncated
        ("vision_style_control", VISION_ROWS, ()),
        ("text_to_image", IMAGE_ROWS, ()),
    ):
        path = tmp_path / f"{config}.json"
        path.write_text(json.dumps(rows_api_document(rows, truncated)), encoding="utf-8")
        files[config] = str(path)
    _RowsHandler.files, _RowsHandler.requests = files, []
    _RowsHandler.fail_offsets, _RowsHandler.slow_offsets = {}, set()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RowsHandler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_pages_through_the_rows_and_converts_them(rows_server: str) -> None:
    payload, changed = arena_dataset.fetch_live("text", None, timeout=5, base_url=rows_server)
    assert changed
    offsets = sorted(int(r["offset"]) for r in _RowsHandler.requests)
    assert offsets == [0, 4, 8, 12] and {r["length"] for r in _RowsHandler.requests} == {"4"}
    assert {r["config"] for r in _RowsHandler.requests} == {"text_style_control"}
    # The data's date is the newest leaderboard_publish_date in the rows, not the download date.
    assert payload.snapshot == "2026-09-13 (lmarena-ai/leaderboard-dataset:text_style_control)"
    assert (
        payload.origin
        == f"{rows_server}/rows?dataset=lmarena-ai/leaderboard-dataset&config=text_style_control&split=latest"
    )
    assert arena_dataset.is_dataset_payload(payload)

    board = arena.parse(payload, "text", ("coding", "hard_6", "if", "german", "math"))
    assert set(board.ratings) == {"claude-opus-4-5-20251101", "gpt-4.1-2025-04-14"}  # gemini's row was truncated
    gpt = board.ratings["gpt-4.1-2025-04-14"]
    assert (gpt.rating, gpt.ci_low, gpt.ci_high, gpt.votes, gpt.published) == (
        1420.0,
        1415.0,
        1425.0,
        30000,
        "2026-09-06",
    )
    assert gpt.categories == {"coding": 1460.0, "hard_6": 1431.0, "if": 1422.0, "german": 1440.0}
    assert board.categories == ("coding", "german", "hard_6", "if")
    assert board.published == "2026-09-13"
    # broken-rating, gemini's truncated overall row, and the interval that misses its rating
    assert board.skipped == 3


def test_an_unchanged_first_page_means_not_modified(rows_server: str) -> None:
    first, _ = arena_dataset.fetch_live("text", None, timeout=5, base_url=rows_server)
    _RowsHandler.requests = []
    again, changed = arena_dataset.fetch_live("text", first, timeout=5, base_url=rows_server)
    assert not changed and again.body == first.body and again.snapshot == first.snapshot
    assert [r["offset"] for r in _RowsHandler.requests] == ["0"]  # one request, not the whole split


def test_an_http_error_on_any_page_fails_the_fetch(rows_server: str) -> None:
    _RowsHandler.fail_offsets = {8: [500]}
    with pytest.raises(SourceError, match=r"lmarena-text: HTTP 500 from .*offset=8"):
        arena_dataset.fetch_live("text", None, timeout=5, base_url=rows_server)


def test_a_busy_answer_is_retried_once(rows_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(arena_dataset, "_RETRY_WAIT_MAX", 0.0)
    _RowsHandler.fail_offsets = {4: [503, 200]}
    _, changed = arena_dataset.fetch_live("text", None, timeout=5, base_url=rows_server)
    assert changed and [int(r["offset"]) for r in _RowsHandler.requests].count(4) == 2
    _RowsHandler.fail_offsets = {4: [429]}
    with pytest.raises(SourceError, match="HTTP 429"):
        arena_dataset.fetch_live("text", None, timeout=5, base_url=rows_server)


def test_a_timeout_fails_the_fetch(rows_server: str) -> None:
    _RowsHandler.slow_offsets = {0}
    with pytest.raises(SourceError, match=r"lmarena-text: timed out after 0.3s"):
        arena_dataset.fetch_live("text", None, timeout=0.3, base_url=rows_server)


def test_pages_and_bytes_are_bounded(rows_server: str) -> None:
    with pytest.raises(SourceError, match="more than the 3 pages allowed"):
        arena_dataset.fetch_live("text", None, timeout=5, base_url=rows_server, max_pages=3)
    with pytest.raises(SourceError, match="exceed 2,000 bytes"):
        arena_dataset.fetch_live("text", None, timeout=5, base_url=rows_server, max_bytes=2000)


def test_an_answer_that_is_not_the_rows_api_fails_the_fetch(rows_server: str) -> None:
    with pytest.raises(SourceError, match="HTTP 404"):
        arena_dataset.fetch_live("text", None, timeout=5, base_url=rows_server + "/elsewhere")


def test_the_base_url_comes_from_the_environment(rows_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(arena_dataset.BASE_URL_VAR, rows_server + "/")
    payload, _ = arena_dataset.fetch_live("image", None, timeout=5)
    assert payload.origin.startswith(rows_server + "/rows?")
    assert payload.snapshot == "2026-09-22 (lmarena-ai/leaderboard-dataset:text_to_image)"


@pytest.mark.parametrize(
    "row",
    [
        "not an object",
        {"row": "not an object"},
        {"row": {**_row("m", "overall", 1300.0), "model_name": ""}},
        {"row": {**_row("m", "overall", 1300.0), "model_name": 7}},
        {"row": {**_row("m", "overall", 1300.0), "category": None}},
        {"row": {**_row("m", "overall", 1300.0), "rating": None}},
        {"row": {**_row("m", "overall", 1300.0), "rating": True}},
        {"row": {**_row("m", "overall", 1300.0), "rating": float("nan")}},
        {"row": {**_row("m", "overall", 1300.0), "rating_upper": "1310"}},
        {"row": {**_row("m", "overall", 1300.0), "rating_upper": 1290.0}},
        {"row": _row("m", "overall", 1300.0), "truncated_cells": ["model_name"]},
    ],
)
def test_a_malformed_row_is_skipped_and_counted(row: Any) -> None:
    board = arena_dataset.parse_rows({"rows": [{"row": _row("ok", "overall", 1200.0)}, row]}, "text")
    assert set(board.ratings) == {"ok"} and board.skipped == 1


def test_optional_fields_that_are_odd_are_dropped_not_fatal() -> None:
    row = {**_row("m", "overall", 1300), "rating_lower": None, "rating_upper": None, "vote_count": -3}
    row["leaderboard_publish_date"] = "yesterday"
    board = arena_dataset.parse_rows({"rows": [{"row": row}]}, "text")
    rating = board.ratings["m"]
    assert (rating.rating, rating.ci_low, rating.ci_high, rating.votes, rating.published) == (
        1300.0,
        None,
        None,
        None,
        None,
    )
    assert board.published is None and board.skipped == 0


def test_rows_without_an_overall_rating_are_a_source_error() -> None:
    with pytest.raises(SourceError, match="no usable `overall` rating"):
        arena_dataset.parse_rows({"rows": [{"row": _row("m", "coding", 1300.0)}]}, "text", origin="here")
    with pytest.raises(SourceError, match="no usable `overall` rating"):
        arena.parse(RawPayload(body=b'{"rows": []}', origin="o", fetched_at="f"), "text")


@pytest.fixture
def live(mini_dir: Path, monkeypatch: pytest.MonkeyPatch, rows_server: str) -> dict[str, int]:
    """Live mode: models.dev from the mini mirror, LMArena's dataset from 127.0.0.1, no LiteLLM."""
    state = {"catalog_fetches": 0}

    def arena_catalog_fetch(board: Board, previous: RawPayload | None, timeout: float) -> tuple[RawPayload, bool]:
        state["catalog_fetches"] += 1
        return arena.load_local(mini_dir, board), True

    def no_litellm(previous: RawPayload | None, timeout: float) -> None:
        raise SourceError("litellm", "network unreachable")

    monkeypatch.setattr(modelsdev, "fetch_live", lambda previous, timeout: (modelsdev.load_local(mini_dir), True))
    monkeypatch.setattr(arena, "fetch_live", arena_catalog_fetch)
    monkeypatch.setattr(litellm, "fetch_live", no_litellm)
    monkeypatch.setenv(arena_dataset.BASE_URL_VAR, rows_server)
    return state


def test_a_live_build_takes_lmarena_from_its_dataset(live: dict[str, int]) -> None:
    catalog = build_catalog(discover=False)
    text = _source(catalog, "lmarena-text")
    assert text.detail is not None
    assert (text.status, text.entries) == ("live", 2)
    assert text.snapshot == "2026-09-13 (lmarena-ai/leaderboard-dataset:text_style_control)"
    assert "lmarena-ai/leaderboard-dataset" in text.detail and "CC-BY-4.0" in text.detail
    assert any("skipped 3 malformed rows" in w for w in catalog.warnings)
    assert live["catalog_fetches"] == 0  # the arena-catalog files are only a fallback

    gpt = catalog["openai:gpt-4.1"]
    assert (gpt.quality.arena_id, gpt.quality.score, gpt.quality.ci_low, gpt.quality.ci_high) == (
        "gpt-4.1-2025-04-14",
        1420.0,
        1415.0,
        1425.0,
    )
    # Task categories under the catalog's names, and the language boards kept for translation roles.
    assert gpt.quality.scores["hard_6"] == 1431.0 and gpt.quality.scores["if"] == 1422.0
    assert gpt.quality.scores["german"] == 1440.0 and gpt.quality.coding == 1460.0
    assert gpt.source_of("quality")["snapshot"] == text.snapshot
    assert gpt.vision.score == 1250.0

    image = catalog["openai:gpt-image-1"]
    assert image.image.score == 1160.0 and image.quality.score is None
    assert image.source_of("image") == {
        "source": "lmarena-image",
        "snapshot": "2026-09-22 (lmarena-ai/leaderboard-dataset:text_to_image)",
        "detail": "arena entry gpt-image-1 (exact match)",
    }
    assert all(m.image.score is None for m in catalog if m.kind != "image")
    listed = {e.arena_name: e for e in arena_mapping(catalog, board="image")}
    assert [m.model_id for m in listed["gpt-image-1"].matches] == ["gpt-image-1"]
    assert not listed["flux-2-pro"].matches and listed["flux-2-pro"].reason


def test_a_failing_dataset_falls_back_to_the_arena_catalog_files(live: dict[str, int]) -> None:
    _RowsHandler.fail_offsets = {0: [500]}
    catalog = build_catalog(discover=False)
    text = _source(catalog, "lmarena-text")
    assert text.detail is not None
    assert text.status == "live" and live["catalog_fetches"] == 3  # text, vision and image
    assert "LMArena's dataset failed (lmarena-text: HTTP 500" in text.detail
    assert "arena-catalog" in text.detail and "CC-BY-4.0" in text.detail
    assert catalog["openai:gpt-4.1"].quality.score == 1412.2  # the mini mirror's arena-catalog figure
    image = _source(catalog, "lmarena-image")
    # Neither the dataset nor the mini mirror has an image board: never fetched here, so the bundled snapshot's.
    assert image.status == "bundled"


def test_a_failing_dataset_prefers_the_last_copy_of_it(live: dict[str, int]) -> None:
    first = build_catalog(discover=False)
    _RowsHandler.fail_offsets = {0: [500]}
    second = build_catalog(discover=False, force_refresh=True)
    text = _source(second, "lmarena-text")
    assert text.detail is not None
    assert text.status == "cached" and "HTTP 500" in text.detail
    assert text.snapshot == _source(first, "lmarena-text").snapshot  # the same data: not a degraded refresh
    assert not any("degraded" in w for w in second.warnings)
    assert second["openai:gpt-4.1"].quality.score == 1420.0
    assert live["catalog_fetches"] == 0


def test_offline_builds_use_the_last_copy_of_the_dataset(live: dict[str, int]) -> None:
    build_catalog(discover=False)
    offline = build_catalog(offline=True)
    text = _source(offline, "lmarena-text")
    assert (
        text.status == "cached"
        and text.snapshot is not None
        and text.snapshot.startswith("2026-09-13 (lmarena-ai/leaderboard-dataset")
    )
    assert offline["openai:gpt-4.1"].quality.scores["german"] == 1440.0
