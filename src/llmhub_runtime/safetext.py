"""Text that is safe to print: control characters from files and providers shown, never obeyed.

Model ids, role names, descriptions and provider error bodies come from files and servers that the
user does not control. Printed raw, an escape sequence in one can clear the screen, set the terminal
title or hide text; a newline can forge an extra line of output. Shared by the runtime's messages and
every line the `llmhub` command prints.
"""

from __future__ import annotations

__all__ = ["escape_control"]

_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}
_ESCAPES.update({code: f"\\u{code:04x}" for code in _BIDI})
_ESCAPES.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})
_KEEP_LINES = {code: escape for code, escape in _ESCAPES.items() if code != ord("\n")}


def escape_control(text: str, *, keep_newlines: bool = False) -> str:
    r"""`text` with control characters (C0, DEL, C1, bidirectional overrides) written as backslash escapes (`\x1b`).

    With `keep_newlines`, line breaks stay (for multi-line output built by the tool itself).
    """
    return text.translate(_KEEP_LINES if keep_newlines else _ESCAPES)
