"""Data text made inert for the places kwo shows it: a terminal, Markdown, SVG and HTML.

Tweet text, brand and sector names, handles, file names and ``kwo sql`` values come from files
anyone can write. None of it may act on the place it is shown in:

- **Control characters are shown, not obeyed** (:func:`visible`): C0 controls, DEL, C1
  controls, the bidirectional overrides and isolates, the line and paragraph separators, lone
  surrogates and the non-characters U+FFFE/U+FFFF are written as their code, ``\\x1b``,
  ``\\x85``, ``\\u202e``: a terminal then cannot be sent an escape sequence (colours, cursor
  moves, OSC 8 links, a title change), a line cannot be overwritten with a carriage return, and
  right-to-left overrides cannot reorder what a reader sees. (A backslash already in the data
  stays as it is, so ``\\x1b`` typed as text looks the same; the codes are for reading.)
- **The terminal gets plain text** (:func:`terminal_text`): a rich ``Text``, never markup, so a
  brand named ``[link=http://evil.example]Legit Bank[/link]`` is shown as written.
- **Markdown** (:func:`markdown_text`): text for a GitHub-flavoured Markdown table cell or list
  item, every character with a meaning there escaped.
- **SVG** (:func:`svg_text`): XML 1.0 forbids most C0 characters even as character references,
  so chart labels go through :func:`visible` before matplotlib writes (and escapes) them.
"""

from __future__ import annotations

import re

#: What :func:`visible` replaces: C0 and C1 controls, DEL, bidi overrides, embeddings and
#: isolates (U+202A-U+202E, U+2066-U+2069) and marks (U+200E, U+200F, U+061C), the line and
#: paragraph separators, lone surrogates and the two non-characters XML forbids.
_INVISIBLE = [
    *range(0x00, 0x20), 0x7F, *range(0x80, 0xA0),
    0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029,
    *range(0xD800, 0xE000), 0xFFFE, 0xFFFF,
]


def _code(cp: int) -> str:
    return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}"


_VISIBLE = {cp: _code(cp) for cp in _INVISIBLE}
_TABLES: dict[str, dict[int, str]] = {}
_HAS_INVISIBLE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in _INVISIBLE) + "]")


def visible(text: str, keep: str = "") -> str:
    """``text`` with every control character (see the module doc) written as its code
    (``\\x1b``, ``\\u202e``); the characters in ``keep`` (say ``"\\n\\t"`` for a table cell that
    may wrap) stay as they are."""
    if not _HAS_INVISIBLE.search(text):
        return text  # the common case: one regex scan, no copy
    table = _TABLES.get(keep)
    if table is None:
        table = _TABLES[keep] = {cp: s for cp, s in _VISIBLE.items() if chr(cp) not in keep}
    return text.translate(table)


def terminal_text(value, style: str | None = None, *, keep: str = "\n\t"):
    """A value for rich (a table cell, a title): plain ``Text``, controls made visible. Rich
    parses markup in every ``str`` it is given; a ``Text`` is never parsed."""
    from rich.text import Text

    return Text(visible(value if isinstance(value, str) else str(value), keep), style=style or "")


# ---------------------------------------------------------------------------------------------
# Markdown (GitHub-flavoured)

# Backslash first (so the escapes added after it stay escapes); inline markup characters get a
# backslash; the characters HTML gives a meaning to become entities; a line break inside a cell
# becomes <br> (a newline would end the table row).
_MARKDOWN = str.maketrans({
    "\\": "\\\\", "`": "\\`", "*": "\\*", "[": "\\[", "]": "\\]", "~": "\\~", "|": "\\|",
    "&": "&amp;", "<": "&lt;", ">": "&gt;",
    "\n": "<br>",
})
# An underscore between two letters or digits can neither open nor close emphasis (CommonMark's
# flanking rules): handles such as ns_online stay as they are; every other one is escaped.
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# Characters that start a block at the start of a line (a heading, a list item, a setext
# underline, a thematic break); a sign before a digit is a number's.
_BLOCK_START = re.compile(r"^([#=+-])(?!\d)")


def markdown_text(text: str) -> str:
    """``text`` as inert GitHub-flavoured Markdown for a table cell or a list item: no emphasis,
    code, link, image, strike-through, raw HTML, entity or table pipe of the data's own, and no
    line break (``<br>`` instead). Rendered, it shows exactly ``text`` (controls made visible)."""
    text = visible(text.replace("\r\n", "\n").replace("\r", "\n"), keep="\n").translate(_MARKDOWN)
    if "_" in text:
        text = _UNDERSCORE.sub(r"\\_", text)
    return _BLOCK_START.sub(r"\\\1", text) if _BLOCK_START.match(text) else text


# ---------------------------------------------------------------------------------------------
# SVG and HTML


def svg_text(text: str) -> str:
    """A label for a chart: every control character made visible (XML 1.0 allows none of the C0
    controls but tab, LF and CR, not even as ``&#27;``); matplotlib escapes ``<``, ``>``, ``&``."""
    return visible(text)


__all__ = ["markdown_text", "svg_text", "terminal_text", "visible"]
