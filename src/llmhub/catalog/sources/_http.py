"""Fetch a JSON source over HTTP with a timeout and a conditional GET against the last cached copy."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from llmhub.errors import SourceError

__all__ = ["RawPayload", "fetch"]

DEFAULT_TIMEOUT = 15.0


@dataclass(frozen=True)
class RawPayload:
    """The raw bytes of a source, with what is needed to revalidate them later."""

    body: bytes
    origin: str
    """URL, path or package the bytes came from."""
    fetched_at: str
    etag: str | None = None
    last_modified: str | None = None
    snapshot: str | None = None
    """A human identifier of this version: a commit/date when known, else a content hash."""

    @property
    def digest(self) -> str:
        """Short content hash, used to tell versions apart."""
        return "sha256:" + hashlib.sha256(self.body).hexdigest()[:12]


def now_iso() -> str:
    """The current UTC time, ISO 8601, seconds precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def fetch(
    name: str, url: str, previous: RawPayload | None, timeout: float = DEFAULT_TIMEOUT
) -> tuple[RawPayload, bool]:
    """GET `url`; return (payload, changed). With `previous`, a 304 returns it unchanged.

    Raises:
        SourceError: timeout, connection failure, or an HTTP error status.
    """
    import httpx

    headers: dict[str, str] = {"Accept": "application/json", "User-Agent": "llmhub-catalog"}
    if previous is not None and previous.origin == url:
        if previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
    try:
        response = httpx.get(url, headers=headers, timeout=timeout, follow_redirects=True)
    except httpx.TimeoutException:
        raise SourceError(name, f"timed out after {timeout:g}s fetching {url}") from None
    except httpx.HTTPError as exc:
        raise SourceError(name, f"cannot fetch {url}: {exc}") from None
    except Exception as exc:  # a sandbox or proxy refusing the connection in its own way
        raise SourceError(name, f"cannot fetch {url}: {type(exc).__name__}: {exc}") from None
    if response.status_code == 304 and previous is not None:
        return replace(previous, fetched_at=now_iso()), False
    if response.status_code != 200:
        raise SourceError(name, f"HTTP {response.status_code} from {url}")
    payload = RawPayload(
        body=response.content,
        origin=url,
        fetched_at=now_iso(),
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
    )
    return replace(payload, snapshot=_snapshot(payload)), True


def _snapshot(payload: RawPayload) -> str:
    if payload.last_modified:
        try:
            when = datetime.strptime(payload.last_modified, "%a, %d %b %Y %H:%M:%S %Z")
            return f"{when.date().isoformat()} ({payload.digest})"
        except ValueError:
            pass
    return payload.digest


def read_local(name: str, path: Path, source_info: Path) -> RawPayload:
    """Read a source file of a local mirror, dated by the mirror's SOURCE.json when it has one.

    The snapshot is "<commit date> (<commit>)" from SOURCE.json, else the content hash (only
    computed then: hashing megabytes of JSON is a noticeable part of a build).

    Raises:
        SourceError: the file cannot be read.
    """
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise SourceError(name, f"cannot read {path}: {exc.strerror or exc}") from None
    payload = RawPayload(body=body, origin=str(path), fetched_at=now_iso())
    snapshot = None
    if source_info.is_file():
        import json

        try:
            info = json.loads(source_info.read_text(encoding="utf-8"))
            day = str(info.get("commit_date", ""))[:10]
            snapshot = f"{day} ({str(info.get('commit', ''))[:7]})" if day else None
        except (OSError, ValueError, AttributeError):
            pass  # an unreadable SOURCE.json only costs the date: the content hash stands in
    return replace(payload, snapshot=snapshot or payload.digest)


def load_json(name: str, payload: RawPayload) -> Any:
    """Decode a payload's JSON, as a SourceError naming the source when it is not JSON."""
    import json

    try:
        return json.loads(payload.body)
    except ValueError as exc:
        raise SourceError(name, f"{payload.origin} is not valid JSON: {exc}") from None
