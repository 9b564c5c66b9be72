"""Run a FakeOpenAIServer in the foreground: `python -m llmhub_runtime.testing [--port N]`.

Prints the base URL on the first line of stdout, then serves until interrupted (or stdin closes,
so a parent process that dies takes the server with it).
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from ._server import FakeOpenAIServer


def main() -> None:
    """Serve until Ctrl-C or end of stdin."""
    parser = argparse.ArgumentParser(prog="python -m llmhub_runtime.testing", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--api-key", default=None, help="require this bearer key (default: accept any)")
    args = parser.parse_args()
    with FakeOpenAIServer(args.port, api_key=args.api_key) as server:
        print(server.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            sys.stdin.read()


if __name__ == "__main__":
    main()
