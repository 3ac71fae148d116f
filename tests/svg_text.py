"""The text of a chart's SVG (drawn with text as text) as boxes, to test that no label is cut
off or covers another. Widths are measured the way kwo.render.chart_style places labels
(text_width_pt: the charts' font), heights as the font size (0.8 above the baseline, 0.2 below)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from kwo.render.chart_style import text_width_pt

SVG = "{http://www.w3.org/2000/svg}"
_NUM = r"(-?[\d.]+(?:e-?\d+)?)"


@dataclass(frozen=True)
class Box:
    text: str
    size: float  # font size in px (= pt: the viewBox is in points)
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, slack: float = 0.5) -> bool:
        return (self.x0 < other.x1 - slack and other.x0 < self.x1 - slack
                and self.y0 < other.y1 - slack and other.y0 < self.y1 - slack)


def view_box(svg: bytes | str) -> tuple[float, float]:
    root = ET.fromstring(svg)
    _x, _y, w, h = map(float, root.get("viewBox").split())
    return w, h


def text_boxes(svg: bytes | str) -> list[Box]:
    boxes = []
    for el in ET.fromstring(svg).iter(f"{SVG}text"):
        text = "".join(el.itertext())
        style = dict(part.split(":", 1) for part in el.get("style", "").split(";") if ":" in part)
        style = {k.strip(): v.strip() for k, v in style.items()}
        size = float(style["font-size"].removesuffix("px"))
        bold = style.get("font-weight", "400") in ("700", "bold")
        anchor = style.get("text-anchor", "start")
        transform = el.get("transform", "")
        if el.get("x") is not None:
            x, y = float(el.get("x")), float(el.get("y"))
        else:
            x, y = map(float, re.search(rf"translate\({_NUM} {_NUM}\)", transform).groups())
        angle = re.search(rf"rotate\({_NUM}", transform)
        angle = abs(float(angle.group(1))) if angle else 0.0
        width = text_width_pt(text, size, bold=bold)
        along = {"start": (0.0, width), "middle": (-width / 2, width / 2), "end": (-width, 0.0)}[anchor]
        if angle == 90:  # written upwards from (x, y)
            boxes.append(Box(text, size, x - 0.8 * size, y - along[1], x + 0.2 * size, y - along[0]))
        else:
            assert angle == 0, f"text at an angle of {angle}: {text!r}"
            boxes.append(Box(text, size, x + along[0], y - 0.8 * size, x + along[1], y + 0.2 * size))
    return boxes


def layout_problems(svg: bytes | str) -> list[str]:
    """What is wrong with the text of ``svg``: a box outside the viewBox, or two boxes that
    overlap. Empty when every label is whole and alone."""
    width, height = view_box(svg)
    boxes = text_boxes(svg)
    problems = [f"{b.text!r} leaves the chart ({b.x0:.1f}..{b.x1:.1f} x {b.y0:.1f}..{b.y1:.1f} of {width} x {height})"
                for b in boxes if b.x0 < 0 or b.y0 < 0 or b.x1 > width or b.y1 > height]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a.overlaps(b):
                problems.append(f"{a.text!r} overlaps {b.text!r}")
    return problems
