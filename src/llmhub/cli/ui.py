"""`llmhub ui`: the catalog, the plan and the spec's roles in a browser, served on 127.0.0.1."""

from __future__ import annotations

from typing import Annotated

import typer

from llmhub.cli import _output as out
from llmhub.cli._options import EnvOption, SourcesOption, SpecOption
from llmhub.cli._state import options

_PAGES = ("catalog", "compare", "plan", "edit")


def ui(
    spec: SpecOption = None,
    env: EnvOption = None,
    sources: SourcesOption = None,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0: any free port).", min=0, max=65535)] = 0,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Print the address; open no browser.")] = False,
    page: Annotated[str, typer.Option("--page", help=f"The page to open: {', '.join(_PAGES)}.")] = "catalog",
) -> None:
    """Browse the catalog, compare models, see each role's pick on a price-quality chart, and edit the spec.

    Serves on 127.0.0.1 only, until Ctrl-C. The address carries a key made for this session; writes
    need it. Saving an edit writes llmhub.spec.yaml (a backup is kept); llmhub.yaml is written only
    after you review its changes, as with `llmhub generate`. Needs the ui extra: pip install 'llmhub[ui]'.
    """
    if page not in _PAGES:
        raise typer.BadParameter(f"{page!r}: choose one of {', '.join(_PAGES)}", param_hint="--page")
    try:
        from llmhub.ui.server import UIServer
    except ImportError as exc:
        out.error_line(f"llmhub ui needs the ui extra ({exc.name} is missing): pip install 'llmhub[ui]'")
        raise typer.Exit(1) from None
    from llmhub.ui.workspace import Workspace

    server = UIServer(Workspace(spec, sources=sources, settings=options.settings, env=env), port=port)
    address = server.url(page)
    out.result(f"llmhub ui at {address}  (Ctrl-C to stop)")
    if not no_browser:
        import webbrowser

        webbrowser.open(address)
    server.run()
