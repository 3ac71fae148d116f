"""The report as an Excel workbook (``--format xlsx``), written with XlsxWriter.

One sheet per table of :func:`kwo.render.csv_tables.csv_tables` (the same tables and columns as
the CSV, ``caveats`` column included), except that the ``caveats`` table goes onto the
``parameters`` sheet, below the parameters: the sheet that says how the figures were computed
also says what they cannot support. Numbers are numbers (percentages keep the value of the JSON,
20.0, and show as 20.0%), the header row is frozen, columns are as wide as their text (within
bounds). Every text is written with ``write_string``: a handle or a message that begins with
``=`` is a string, never a formula, and nothing becomes a link.

The bytes depend only on the report: the workbook's creation time is fixed.
"""

from __future__ import annotations

import datetime as dt
import io

from .csv_tables import csv_tables
from .sections import COLUMNS, TOTALS_LABELS

#: The workbook's creation time: fixed, so that the same report gives the same bytes.
CREATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

#: Excel number formats by column kind (kwo.metrics.registry.Column.kind).
NUMBER_FORMATS = {"int": "#,##0", "pct": '0.0"%"', "minutes": "#,##0.0", "float": "#,##0.###"}

MIN_WIDTH, MAX_WIDTH = 6, 60  # characters


def render_xlsx(data: dict) -> bytes:
    """The workbook of a view (:func:`kwo.render.sections.view_data`) as bytes."""
    import xlsxwriter

    buf = io.BytesIO()
    # in_memory: no temporary files; the string conversions off: text stays text
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False})
    wb.set_properties({"title": f"kwo {data['view']}", "created": CREATED.replace(tzinfo=None)})
    formats = {kind: wb.add_format({"num_format": f}) for kind, f in NUMBER_FORMATS.items()}
    formats["header"] = wb.add_format({"bold": True, "bottom": 1})
    tables = csv_tables(data)
    caveats = tables.pop("caveats")
    for name, (keys, rows) in tables.items():
        sheet = wb.add_worksheet(name[:31])
        kinds = _kinds(name, keys)
        widths = _write_table(sheet, 0, keys, rows, kinds, formats)
        if name == "parameters":
            ckeys, crows = caveats
            more = _write_table(sheet, len(rows) + 2, ckeys, crows, ["str"] * len(ckeys), formats)
            widths = [max(a, b) for a, b in zip(widths + [0] * len(more), more + [0] * len(widths))]
        sheet.freeze_panes(1, 0)
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(max(width + 2, MIN_WIDTH), MAX_WIDTH))
    wb.close()
    return buf.getvalue()


def _kinds(table: str, keys: list[str]) -> list[str]:
    """The kind of each column: from the section's columns, by name for the rest."""
    known = {c.key: c.kind for c in COLUMNS[table]} if table in COLUMNS else {}
    return [known.get(k) or ("pct" if k.endswith("_pct") else "auto") for k in keys]


def _write_table(sheet, first: int, keys: list[str], rows: list[list], kinds: list[str], formats: dict) -> list[int]:
    """Header and rows from row ``first``; returns the width (characters) each column needs."""
    widths = [len(k) for k in keys]
    for col, key in enumerate(keys):
        sheet.write_string(first, col, key, formats["header"])
    for r, row in enumerate(rows, start=first + 1):
        kinds_here = _row_kinds(row, kinds, keys)
        for col, (value, kind) in enumerate(zip(row, kinds_here)):
            widths[col] = max(widths[col], _write_cell(sheet, r, col, value, kind, formats))
    return widths


def _row_kinds(row: list, kinds: list[str], keys: list[str]) -> list[str]:
    """For a (metric, value, ...) row of the totals the value's kind is that metric's."""
    if keys[:2] == ["metric", "value"] and row and row[0] in TOTALS_LABELS:
        return [kinds[0], TOTALS_LABELS[row[0]][1], *kinds[2:]]
    return kinds


def _write_cell(sheet, r: int, c: int, value, kind: str, formats: dict) -> int:
    """One cell; returns its width in characters."""
    if value is None:
        return 0
    if isinstance(value, bool):
        sheet.write_boolean(r, c, value)
        return 5
    if isinstance(value, (int, float)):
        if kind not in NUMBER_FORMATS:
            kind = "int" if isinstance(value, int) else "float"
        sheet.write_number(r, c, value, formats[kind])
        return len(f"{value:,.1f}") + (1 if kind == "pct" else 0)
    text = str(value)
    sheet.write_string(r, c, text)  # never a formula, whatever it begins with
    return max((len(line) for line in text.splitlines()), default=0)


__all__ = ["render_xlsx"]
