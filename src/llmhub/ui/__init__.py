"""`llmhub ui`: the catalog, the plan and the spec in a browser, served on 127.0.0.1.

    from llmhub.ui import UIServer, Workspace

    server = UIServer(Workspace(), port=0)   # the project around the working directory
    server.start()
    print(server.url("catalog"))             # the address carries this session's key
    server.stop()

The server needs the `ui` extra (`pip install 'llmhub[ui]'`: starlette and uvicorn); the pages are
static files in `static/`, shipped in the wheel, with no CDN. Page data comes from the library:
`catalog_views`, `plan_views` and `edit` turn a `Workspace` into JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmhub._lazy import lazy_attributes

if TYPE_CHECKING:
    from llmhub.ui.server import UIServer, create_app
    from llmhub.ui.workspace import Workspace

__all__ = ["UIServer", "Workspace", "create_app"]

# Imported on first use: the server stack (starlette, uvicorn) is an optional extra.
__getattr__ = lazy_attributes(
    __name__, {"UIServer": "llmhub.ui.server", "create_app": "llmhub.ui.server", "Workspace": "llmhub.ui.workspace"}
)
