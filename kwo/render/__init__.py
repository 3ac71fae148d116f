"""Report rendering: one view of a :class:`kwo.metrics.Report` in one output format.

    >>> from kwo.metrics import build_report
    >>> from kwo.render import render
    >>> render(build_report("arch", "brands.csv"), "markdown", view="report", out=sys.stdout)

Formats are plug-ins: :data:`RENDERERS` maps a format name to ``fn(data, out)`` where ``data`` is
:func:`kwo.report.sections.view_data` (parameters, totals, sections) and ``out`` a text stream.
An HTML renderer registers itself with :func:`register_renderer` (``kwo/report/html.py``, its own
issue); the CLI offers every registered format. A binary format (:data:`BINARY_FORMATS`: xlsx)
is ``fn(data) -> bytes`` instead; :func:`render` returns its bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TextIO

from .sections import VIEWS, view_data

Renderer = Callable[[dict, TextIO], None]


def _builtin() -> dict[str, Renderer]:
    from .render import RENDERERS

    return dict(RENDERERS)


RENDERERS: dict[str, Renderer] = _builtin()

#: Optional renderers loaded on first use when their module exists (name -> module).
OPTIONAL_RENDERERS = {"html": "kwo.render.html"}

#: Formats whose output is bytes, not text (name -> "module:function" taking the view's data).
BINARY_FORMATS = {"xlsx": "kwo.render.xlsx:render_xlsx"}


def register_renderer(name: str, fn: Renderer) -> None:
    RENDERERS[name] = fn


def formats() -> list[str]:
    """The output formats available: the built-in ones plus optional ones whose module exists."""
    import importlib.util

    names = list(RENDERERS)
    for name, module in OPTIONAL_RENDERERS.items():
        if name not in RENDERERS and importlib.util.find_spec(module) is not None:
            names.append(name)
    return names + [n for n in BINARY_FORMATS if n not in names]


def is_binary(fmt: str) -> bool:
    """Whether ``fmt`` writes bytes (a workbook) rather than text."""
    return fmt in BINARY_FORMATS


def get_renderer(fmt: str) -> Renderer:
    if fmt not in RENDERERS and fmt in OPTIONAL_RENDERERS:
        import importlib

        mod = importlib.import_module(OPTIONAL_RENDERERS[fmt])
        # The module registers itself on import, or exposes render(data, out).
        if fmt not in RENDERERS and hasattr(mod, "render"):
            register_renderer(fmt, mod.render)
    try:
        return RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r} (available: {', '.join(formats())})") from None


def render(report, fmt: str, *, view: str = "report", out: TextIO | None = None, **options) -> str | bytes | None:
    """Render ``view`` of ``report`` as ``fmt`` to ``out`` (or return it as a string when None).
    ``options`` go to the renderer (csv: ``section``, ``dialect``). A binary format returns its
    bytes (and takes no ``out``)."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r} (available: {', '.join(VIEWS)})")
    data = view_data(report, view)
    if fmt in BINARY_FORMATS:
        import importlib

        module, _, function = BINARY_FORMATS[fmt].partition(":")
        if out is not None:
            raise ValueError(f"--format {fmt} is binary: render() returns its bytes, it takes no text stream")
        return getattr(importlib.import_module(module), function)(data, **options)
    fn = get_renderer(fmt)
    if out is None:
        buf = io.StringIO()
        fn(data, buf, **options)
        return buf.getvalue()
    fn(data, out, **options)
    return None


#: The format an --output file name asks for when --format is not given (by its suffix).
SUFFIX_FORMATS = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown",
                  ".html": "html", ".htm": "html", ".txt": "table", ".xlsx": "xlsx"}


def is_directory_output(path: str | None) -> bool:
    """Whether ``--output path`` names a directory (a trailing slash, or a directory that exists):
    what ``--format csv`` fills with one file per table."""
    import os

    return bool(path) and path != "-" and (path.endswith(("/", os.sep)) or os.path.isdir(path))


def format_for_output(path: str | None) -> str:
    """The format of ``--output path`` without --format: by its suffix. ``-`` (standard output),
    no --output and a name without a suffix give the terminal table; a directory gives CSV. An
    unknown suffix is an error (ValueError) naming the formats, rather than a guess."""
    import os

    if not path or path == "-":
        return "table"
    if is_directory_output(path):
        return "csv"  # -o DIR/: one CSV per table
    suffix = os.path.splitext(os.path.basename(path))[1].lower()
    if not suffix:
        return "table"
    fmt = SUFFIX_FORMATS.get(suffix)
    if fmt is None or fmt not in formats():
        known = ", ".join(f"{s} ({f})" for s, f in SUFFIX_FORMATS.items() if f in formats())
        raise ValueError(f"--output {path}: kwo cannot tell the format from the suffix {suffix!r}; give "
                         f"--format ({', '.join(formats())}) or a file name ending in {known}")
    return fmt


__all__ = ["BINARY_FORMATS", "RENDERERS", "SUFFIX_FORMATS", "VIEWS", "format_for_output", "formats", "get_renderer", "is_binary", "is_directory_output",
           "register_renderer", "render", "view_data"]
