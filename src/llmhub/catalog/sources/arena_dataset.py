"""LMArena's official leaderboard dataset on Hugging Face, read through the datasets-server rows API.

`lmarena-ai/leaderboard-dataset`, published by LMArena under CC-BY-4.0: a subset (config) per
arena (`text`, `vision`, `search`, `document`, each also as `*_style_control`; `webdev`,
`text_to_image`, `image_edit`, ...), each with a `latest` split (the newest published leaderboard)
and a `full` one (every one ever published). One row per model and category::

    model_name, organization, license, rating, rating_lower, rating_upper, variance,
    vote_count, rank, category, leaderboard_publish_date

The catalog reads the `latest` split of `text_style_control`, `vision_style_control` (the views
lmarena.ai shows by default, like the arena-catalog files it used before) and `text_to_image`,
through the Hugging Face datasets-server rows API, which needs no parquet reader::

    GET {base}/rows?dataset=lmarena-ai/leaderboard-dataset&config=text_style_control&split=latest
        &offset=0&length=100
    -> {"features": [...], "rows": [{"row_idx": 0, "row": {...}, "truncated_cells": []}, ...],
        "num_rows_total": 10512, ...}

Pages hold at most 100 rows; the text board is about a hundred pages. They are fetched a few at a
time, within a bound on pages and bytes. The rows API sends no validator, so a refresh first asks
for page one and stops there when it is byte-identical to the copy fetched last time (same row
count): the dataset has not been republished.

The rows are kept as fetched (one JSON document in the rows API's own layout) and converted by
`parse_rows` into the `ArenaBoard` that `arena.parse` makes from arena-catalog files: category
`overall` is the model's rating (with its interval from rating_lower/rating_upper), the others are
its category ratings, under the arena-catalog names the catalog uses (`hard_prompts` is `hard_6`...).
A malformed row is skipped and counted, never fatal. The data's date is the newest
`leaderboard_publish_date` in the rows, not the download date: it is the source's snapshot.

The base URL can be changed (tests serve the rows from 127.0.0.1): the `base_url` argument, else
`$LLMHUB_LMARENA_DATASET_URL`, else https://datasets-server.huggingface.co.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from llmhub.catalog.sources._http import RawPayload, now_iso
from llmhub.catalog.sources.arena import ATTRIBUTION, ArenaBoard, ArenaRating, Board, source_name
from llmhub.errors import SourceError
from llmhub.settings import ARENA_DATASET_URL_VAR, Settings, current

__all__ = [
    "BASE_URL_VAR",
    "CONFIGS",
    "DATASET",
    "DEFAULT_BASE_URL",
    "describe",
    "fetch_live",
    "is_dataset_payload",
    "parse_rows",
]

DATASET = "lmarena-ai/leaderboard-dataset"
DATASET_PAGE = "https://huggingface.co/datasets/lmarena-ai/leaderboard-dataset"
DEFAULT_BASE_URL = "https://datasets-server.huggingface.co"
BASE_URL_VAR = ARENA_DATASET_URL_VAR
SPLIT = "latest"
CONFIGS: dict[Board, str] = {
    "text": "text_style_control",
    "vision": "vision_style_control",
    "image": "text_to_image",
}
PAGE_ROWS = 100
"""The rows API's largest page."""
MAX_PAGES = 300
"""At most this many pages (30,000 rows) per board: the text board is about a hundred."""
MAX_BYTES = 64 * 1024 * 1024
"""At most this many bytes per board, all pages together."""
WORKERS = 4
"""Pages fetched at once: quicker than one by one, and gentle with a free public API."""
_RETRY_STATUS = (429, 502, 503, 504)
_RETRY_WAIT_MAX = 5.0

CATEGORY_NAMES: Mapping[str, str] = {
    "overall": "full",
    "hard_prompts": "hard_6",
    "hard_prompts_english": "hard_english_6",
    "instruction_following": "if",
    "multi_turn": "multiturn",
    "longer_query": "long_user",
}
"""Dataset category names -> the arena-catalog names the catalog keeps (`models.TASK_CATEGORIES`).

Other names (coding, math, creative_writing, expert, the languages, the industries) are the same in
both. `overall` is also accepted as `full`."""


def default_base_url(settings: Settings | None = None) -> str:
    """`settings.arena_dataset_url` (`$LLMHUB_LMARENA_DATASET_URL`), else Hugging Face's datasets-server."""
    return (current(settings).arena_dataset_url or DEFAULT_BASE_URL).rstrip("/")


def origin_for(board: Board, base_url: str | None = None) -> str:
    """The URL a board's rows come from (without paging): the payload's origin."""
    base = (base_url or default_base_url()).rstrip("/")
    return f"{base}/rows?dataset={DATASET}&config={CONFIGS[board]}&split={SPLIT}"


def is_dataset_payload(payload: RawPayload) -> bool:
    """Whether a payload (a cached one, say) holds dataset rows rather than an arena-catalog file."""
    return f"dataset={DATASET}&" in payload.origin


def describe(board: Board) -> str:
    """How the source is attributed in a build's report."""
    return f"LMArena leaderboard dataset ({DATASET}, {CONFIGS[board]}, {SPLIT} split); {ATTRIBUTION}"


def fetch_live(
    board: Board,
    previous: RawPayload | None,
    timeout: float,
    *,
    base_url: str | None = None,
    max_pages: int = MAX_PAGES,
    max_bytes: int = MAX_BYTES,
) -> tuple[RawPayload, bool]:
    """Every row of a board's `latest` split; return (payload, changed).

    With `previous` (the copy fetched last time), an unchanged first page returns it unchanged.

    Raises:
        SourceError: timeout, connection failure, HTTP error, an answer that is not the rows API's,
            more pages or bytes than allowed, or no usable overall rating in the rows.
    """
    import httpx

    name = source_name(board)
    base = (base_url or default_base_url()).rstrip("/")
    origin = origin_for(board, base)
    headers = {"Accept": "application/json", "User-Agent": "llmhub-catalog"}
    with httpx.Client(timeout=timeout, headers=headers, follow_redirects=True) as client:
        pager = _Pager(client, name, f"{base}/rows", CONFIGS[board], timeout, max_bytes)
        first, first_body = pager.page(0)
        total = first.get("num_rows_total")
        known_total = total if total.__class__ is int and total >= 0 else None
        validator = f"rows:{known_total}:sha256:{hashlib.sha256(first_body).hexdigest()[:16]}"
        if previous is not None and previous.origin == origin and previous.etag == validator:
            return replace(previous, fetched_at=now_iso()), False
        rows = list(first["rows"])
        if known_total is not None:
            pages = math.ceil(known_total / PAGE_ROWS)
            if pages > max_pages:
                raise SourceError(name, f"{origin}: {known_total} rows, more than the {max_pages} pages allowed")
            rows.extend(pager.pages(range(PAGE_ROWS, known_total, PAGE_ROWS), known_total))
        else:
            # No total given: read on until a short page.
            offset, page_rows = PAGE_ROWS, len(rows)
            while page_rows == PAGE_ROWS:
                if offset // PAGE_ROWS >= max_pages:
                    raise SourceError(name, f"{origin}: more than the {max_pages} pages allowed")
                data, _ = pager.page(offset)
                rows.extend(data["rows"])
                offset, page_rows = offset + PAGE_ROWS, len(data["rows"])
    document = {
        "dataset": DATASET,
        "config": CONFIGS[board],
        "split": SPLIT,
        "features": first.get("features"),
        "num_rows_total": known_total if known_total is not None else len(rows),
        "rows": rows,
    }
    board_data = parse_rows(document, board, origin=origin)  # nothing usable: fail now, keep the last copy
    body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    payload = RawPayload(body=body, origin=origin, fetched_at=now_iso(), etag=validator)
    when = board_data.published
    return replace(payload, snapshot=f"{when} ({DATASET}:{CONFIGS[board]})" if when else payload.digest), True


class _Pager:
    """Fetches pages of one board's rows with a shared client, counting bytes against the bound."""

    def __init__(self, client: Any, name: str, url: str, config: str, timeout: float, max_bytes: int):
        self.client, self.name, self.url, self.config = client, name, url, config
        self.timeout, self.max_bytes = timeout, max_bytes
        self.bytes = 0

    def pages(self, offsets: range, total: int) -> list[Any]:
        """The rows of every page at `offsets`, in order, fetched a few at a time."""
        from concurrent.futures import ThreadPoolExecutor

        if not offsets:
            return []
        rows: list[Any] = []
        executor = ThreadPoolExecutor(max_workers=min(WORKERS, len(offsets)), thread_name_prefix="llmhub-arena")
        try:
            for data, _ in executor.map(self.page, offsets):
                if data.get("num_rows_total", total) != total:
                    raise SourceError(self.name, f"{self.url}: the {self.config} rows changed while being read")
                rows.extend(data["rows"])
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        return rows

    def page(self, offset: int) -> tuple[dict[str, Any], bytes]:
        """One page, decoded and checked, with its raw bytes."""
        import httpx

        params = {"dataset": DATASET, "config": self.config, "split": SPLIT, "offset": offset, "length": PAGE_ROWS}
        where = f"{self.url}?config={self.config}&offset={offset}"
        for attempt in (1, 2):
            try:
                response = self.client.get(self.url, params=params)
            except httpx.TimeoutException:
                raise SourceError(self.name, f"timed out after {self.timeout:g}s fetching {where}") from None
            except httpx.HTTPError as exc:
                raise SourceError(self.name, f"cannot fetch {where}: {exc}") from None
            except Exception as exc:  # a sandbox or proxy refusing the connection in its own way
                raise SourceError(self.name, f"cannot fetch {where}: {type(exc).__name__}: {exc}") from None
            if response.status_code in _RETRY_STATUS and attempt == 1:
                time.sleep(_retry_wait(response.headers.get("Retry-After")))
                continue
            break
        if response.status_code != 200:
            raise SourceError(self.name, f"HTTP {response.status_code} from {where}")
        body = response.content
        self.bytes += len(body)  # a race between pages only shifts which page trips the bound
        if self.bytes > self.max_bytes:
            raise SourceError(self.name, f"{self.url}: the {self.config} rows exceed {self.max_bytes:,} bytes")
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise SourceError(self.name, f"{where} is not valid JSON: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
            raise SourceError(self.name, f"{where}: expected the rows API's answer (an object with `rows`)")
        return data, body


def _retry_wait(header: str | None) -> float:
    try:
        return min(max(float(header or 1.0), 0.0), _RETRY_WAIT_MAX)
    except ValueError:
        return 1.0


def parse_rows(
    data: Mapping[str, Any], board: Board, categories: Collection[str] | None = None, *, origin: str = ""
) -> ArenaBoard:
    """Convert dataset rows to an ArenaBoard; malformed rows are skipped and counted.

    Args:
        data: The rows API's answer (or several pages joined): an object with a `rows` list.
        board: Which leaderboard it is.
        categories: The categories to keep besides the overall one (all of them when None), by
            their catalog names (see CATEGORY_NAMES).
        origin: Where the rows came from, for error messages.

    Raises:
        SourceError: no row gives an overall rating.
    """
    name = source_name(board)
    overall: dict[str, tuple[float, float | None, float | None, int | None, str | None]] = {}
    per_category: dict[str, dict[str, float]] = {}
    skipped = 0
    newest: str | None = None
    rows = data.get("rows")
    for item in rows if isinstance(rows, list) else ():
        row = _valid_row(item)
        if row is None:
            skipped += 1
            continue
        model, category, rating, low, high, votes, published = row
        if published is not None and (newest is None or published > newest):
            newest = published
        category = CATEGORY_NAMES.get(category, category)
        if category == "full":
            if model in overall:
                skipped += 1  # a second overall row for one model: the first stands
                continue
            overall[model] = (rating, low, high, votes, published)
            continue
        if categories is not None and category not in categories:
            continue
        scores = per_category.setdefault(category, {})
        if model in scores:
            skipped += 1
            continue
        scores[model] = rating
    if not overall:
        raise SourceError(name, f"{origin or 'LMArena dataset rows'}: no usable `overall` rating in the rows")
    ratings = {
        model: ArenaRating(
            rating=rating,
            ci_low=low,
            ci_high=high,
            categories={c: scores[model] for c, scores in per_category.items() if model in scores},
            votes=votes,
            published=published,
        )
        for model, (rating, low, high, votes, published) in overall.items()
    }
    return ArenaBoard(
        board=board, ratings=ratings, categories=tuple(sorted(per_category)), published=newest, skipped=skipped
    )


def _valid_row(
    item: Any,
) -> tuple[str, str, float, float | None, float | None, int | None, str | None] | None:
    """(model, category, rating, low, high, votes, publish date) of a well-formed row, else None."""
    if not isinstance(item, dict):
        return None
    if item.get("truncated_cells"):
        return None  # the rows API cut a value short: it cannot be trusted
    row = item.get("row", item)
    if not isinstance(row, dict):
        return None
    model, category, rating = row.get("model_name"), row.get("category"), row.get("rating")
    if not isinstance(model, str) or not model.strip() or not isinstance(category, str) or not category:
        return None
    if not _finite(rating):
        return None
    low, high = row.get("rating_lower"), row.get("rating_upper")
    if (low is not None and not _finite(low)) or (high is not None and not _finite(high)):
        return None
    if (low is not None and low > rating) or (high is not None and high < rating):
        return None  # an interval that does not contain its rating
    count: Any = row.get("vote_count")
    votes = int(count) if _finite(count) and count >= 0 and float(count).is_integer() else None
    value: Any = rating
    return (
        model.strip(),
        category.strip().lower(),
        float(value),
        float(low) if low is not None else None,
        float(high) if high is not None else None,
        votes,
        _day(row.get("leaderboard_publish_date")),
    )


def _finite(value: Any) -> bool:
    return value.__class__ in (int, float) and math.isfinite(value)  # exactly: bool is an int subclass


def _day(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None
