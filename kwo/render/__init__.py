"""Report rendering: one view of a :class:`kwo.metrics.Report` in one output format.

    >>> from kwo.metrics import build_report
    >>> from kwo.render import render
    >>> render(build_report("arch", "brands.csv"), "markdown", view="report", out=sys.stdout)

Formats are plug-ins: :data:`RENDERERS` maps a format name to ``fn(data, out)`` where ``data`` is
:func:`kwo.report.sections.view_data` (parameters, totals, sections) and ``out`` a text stream.
An HTML renderer registers itself with :func:`register_renderer` (``kwo/report/html.py``, its own
issue); the CLI offers every registered format.
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


def register_renderer(name: str, fn: Renderer) -> None:
    RENDERERS[name] = fn


def formats() -> list[str]:
    """The output formats available: the built-in ones plus optional ones whose module exists."""
    import importlib.util

    names = list(RENDERERS)
    for name, module in OPTIONAL_RENDERERS.items():
        if name not in RENDERERS and importlib.util.find_spec(module) is not None:
            names.append(name)
    return names


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


def render(report, fmt: str, *, view: str = "report", out: TextIO | None = None) -> str | None:
    """Render ``view`` of ``report`` as ``fmt`` to ``out`` (or return it as a string when None)."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r} (available: {', '.join(VIEWS)})")
    data = view_data(report, view)
    fn = get_renderer(fmt)
    if out is None:
        buf = io.StringIO()
        fn(data, buf)
        return buf.getvalue()
    fn(data, out)
    return None


__all__ = ["RENDERERS", "VIEWS", "formats", "get_renderer", "register_renderer", "render", "view_data"]
