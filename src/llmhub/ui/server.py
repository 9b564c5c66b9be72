"""The `llmhub ui` server: static pages and a JSON API on 127.0.0.1, guarded by a per-session key.

Security, in order of the request:

* It listens on 127.0.0.1 only, and answers only requests whose Host is 127.0.0.1 or localhost
  (a page on another site that resolves its own name to 127.0.0.1 is refused: DNS rebinding).
* A random key is made per server. The address the CLI opens carries it once (`/?token=...`);
  the server answers with a `SameSite=Strict`, HttpOnly cookie and drops the key from the address.
  Every API call needs the cookie; every write (POST) also needs the key in an `X-LLMHub-Token`
  header, a JSON body and, when the browser sends one, an Origin that is this server's: another
  site can neither read the key nor make a browser send it.
* Pages build their text with `textContent` (never HTML from data), under a Content-Security-Policy
  that allows only this server's own scripts and styles: names and descriptions are shown, not run.
* Only the files of `static/` are served (no path from a request reaches the file system); the API
  reads the project's spec and llmhub.yaml and writes only those, through the library.
"""

from __future__ import annotations

import hmac
import html
import json
import secrets
import socket
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from llmhub.errors import LLMHubError
from llmhub.ui import catalog_views, edit, plan_views
from llmhub.ui.workspace import Workspace

__all__ = ["COOKIE", "HOST", "STATIC", "TOKEN_HEADER", "UIServer", "create_app"]

HOST = "127.0.0.1"
COOKIE = "llmhub_ui"
"""The session cookie's name, followed by `_<port>`."""
TOKEN_HEADER = "x-llmhub-token"
STATIC = Path(__file__).parent / "static"
_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]
_DENIED = "open the address `llmhub ui` printed: it carries this session's key"

Handler = Callable[[Request], Awaitable[Response]]


class _SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def _cookie(request: Request) -> str:
    """The cookie's name for this server: browsers share cookies across ports, two servers must not."""
    return f"{COOKIE}_{request.url.port or 80}"


def _same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode(), b.encode())


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


async def _call(work: Callable[[], Any]) -> Response:
    """Run the library call off the event loop; its errors become one-line JSON answers."""
    from llmhub.plan import InvalidSpecError

    try:
        data = await run_in_threadpool(work)
        if isinstance(data, bytes):  # already JSON (the full catalog, rendered once)
            return Response(data, media_type="application/json")
        return JSONResponse(data)
    except InvalidSpecError as exc:
        return _error(400, str(exc), issues=[str(issue) for issue in exc.issues])
    except LLMHubError as exc:
        return _error(400, str(exc))
    except Exception as exc:
        return _error(500, f"internal error: {type(exc).__name__}: {exc}")


class _Api:
    """The routes, bound to one workspace and one session key."""

    def __init__(self, workspace: Workspace, token: str):
        self.workspace = workspace
        self.token = token

    def allowed(self, request: Request) -> bool:
        """The request carries this session's cookie."""
        return _same(request.cookies.get(_cookie(request)), self.token)

    def write_refusal(self, request: Request) -> str | None:
        """Why a write is refused (None: allowed): no key, a foreign origin, or not a JSON body."""
        if not self.allowed(request) or not _same(request.headers.get(TOKEN_HEADER), self.token):
            return "this session's key is missing or wrong; reload the page from the address `llmhub ui` printed"
        origin = request.headers.get("origin")
        if origin is not None and origin != f"http://{request.headers.get('host', '')}":
            return f"cross-origin write refused (from {origin})"
        if request.headers.get("sec-fetch-site") in ("cross-site", "same-site"):
            return "cross-site write refused"
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return "writes take a JSON body (Content-Type: application/json)"
        return None

    async def index(self, request: Request) -> Response:
        given = request.query_params.get("token")
        if _same(given, self.token):
            # The key leaves the address bar (and the history) for a cookie only this origin sends.
            page = request.query_params.get("page", "")
            response: Response = RedirectResponse("/" + (f"#{page}" if page.isidentifier() else ""), 303)
            response.set_cookie(_cookie(request), self.token, httponly=True, samesite="strict", path="/")
            return response
        if not self.allowed(request):
            return HTMLResponse(f"<!doctype html><title>llmhub ui</title><p>Not allowed: {_DENIED}.</p>", 403)
        page_html = (STATIC / "index.html").read_text(encoding="utf-8").replace("{{TOKEN}}", html.escape(self.token))
        return HTMLResponse(page_html)

    def read(self, view: Callable[[Request], Any]) -> Handler:
        async def handler(request: Request) -> Response:
            if not self.allowed(request):
                return _error(403, f"not allowed: {_DENIED}")
            return await _call(lambda: view(request))

        return handler

    def write(self, action: Callable[[dict[str, Any]], Any]) -> Handler:
        async def handler(request: Request) -> Response:
            refusal = self.write_refusal(request)
            if refusal is not None:
                return _error(403, refusal)
            try:
                body = await request.json()
            except ValueError:
                return _error(400, "the body is not valid JSON")
            if not isinstance(body, dict):
                return _error(400, "the body must be a JSON object")
            return await _call(lambda: action(body))

        return handler

    def catalog(self, request: Request) -> Any:
        cache = self.workspace.cache
        with self.workspace.lock:  # rendered once, however many tabs ask at the same time
            if "catalog" not in cache:
                table = catalog_views.catalog_table(self.workspace)
                cache["catalog"] = json.dumps(table, separators=(",", ":")).encode()
        return cache["catalog"]

    def model(self, request: Request) -> Any:
        return catalog_views.model_page(self.workspace, request.query_params.get("id", ""))

    def compare(self, request: Request) -> Any:
        ids = request.query_params.get("ids", "").split(",")
        context = request.query_params.get("context", "")
        if context and not context.isdigit():
            raise LLMHubError(f"context {context!r}: give a number of tokens")
        return catalog_views.compare_models(self.workspace, ids, int(context) if context else None)

    def project(self, request: Request) -> Any:
        return self.workspace.describe()

    def plan(self, request: Request) -> Any:
        return plan_views.plan_page(self.workspace)

    def role(self, request: Request) -> Any:
        return edit.role_form(self.workspace, request.query_params.get("name", ""))

    def routes(self) -> list[Route | Mount]:
        def field(body: dict[str, Any], name: str, kind: type) -> Any:
            value = body.get(name, kind())
            if not isinstance(value, kind):
                raise LLMHubError(f"`{name}` must be a {kind.__name__}")
            return value

        ws = self.workspace
        return [
            Route("/", self.index),
            Route("/api/project", self.read(self.project)),
            Route("/api/catalog", self.read(self.catalog)),
            Route("/api/model", self.read(self.model)),
            Route("/api/compare", self.read(self.compare)),
            Route("/api/plan", self.read(self.plan)),
            Route("/api/role", self.read(self.role)),
            Route(
                "/api/preview",
                self.write(lambda b: edit.preview_edit(ws, field(b, "role", str), field(b, "fields", dict))),
                methods=["POST"],
            ),
            Route(
                "/api/save",
                self.write(
                    lambda b: edit.save_edit(
                        ws, field(b, "role", str), field(b, "fields", dict), field(b, "digest", str)
                    )
                ),
                methods=["POST"],
            ),
            Route("/api/review", self.write(lambda b: edit.review_generation(ws)), methods=["POST"]),
            Route(
                "/api/apply",
                self.write(lambda b: edit.apply_reviewed(ws, field(b, "digest", str))),
                methods=["POST"],
            ),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ]


def create_app(workspace: Workspace, token: str) -> Starlette:
    """The ASGI app for `workspace`, accepting the session key `token`."""
    return Starlette(
        routes=_Api(workspace, token).routes(),
        middleware=[
            Middleware(TrustedHostMiddleware, allowed_hosts=[HOST, "localhost"]),
            Middleware(_SecurityHeaders),
        ],
    )


class UIServer:
    """The app served by uvicorn on 127.0.0.1, on `port` (0: any free port).

    Raises:
        LLMHubError: the port is taken (with the fix).
    """

    def __init__(self, workspace: Workspace, port: int = 0):
        import uvicorn

        self.token = secrets.token_urlsafe(24)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._socket.bind((HOST, port))
        except OSError as exc:
            self._socket.close()
            raise LLMHubError(
                f"cannot listen on {HOST}:{port} ({exc.strerror}); pass --port 0 for a free port"
            ) from None
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            create_app(workspace, self.token),
            log_level="warning",
            lifespan="off",
            ws="none",
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def base(self) -> str:
        """`http://127.0.0.1:<port>`."""
        return f"http://{HOST}:{self.port}"

    def url(self, page: str = "") -> str:
        """The address that lets a browser in (it carries the key once), opening on `page`."""
        return f"{self.base}/?token={self.token}" + (f"&page={page}" if page else "")

    def run(self) -> None:
        """Serve until interrupted (Ctrl-C)."""
        self._server.run(sockets=[self._socket])

    def start(self) -> None:
        """Serve from a background thread; returns once the server accepts connections."""
        self._thread = threading.Thread(target=self.run, name="llmhub-ui", daemon=True)
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise LLMHubError("the UI server stopped while starting; run `llmhub -v ui` to see why")
            threading.Event().wait(0.01)

    def stop(self) -> None:
        """Stop a server started with `start`."""
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._socket.close()
