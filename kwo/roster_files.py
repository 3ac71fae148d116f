"""Roster files as analysts save them, turned into numbered rows of text fields for kwo.roster.

* CSV from any Excel: comma, semicolon (Dutch and other European Excel) or tab separated, decided
  from the header line, which must hold ``handle`` (csv.Sniffer guesses wrong on short files).
  A first line ``sep=;`` (Excel's own hint) names the separator. UTF-8 with or without a BOM,
  UTF-16 with a BOM (Excel's "Unicode text"), or Windows-1252 (Excel's plain "CSV", when it is not
  asked for "CSV UTF-8"): read with a notice saying so. CRLF, LF or CR line ends.
* An ``.xlsx`` workbook (known by its content, a zip): its first sheet, the same columns.
* ``-``: standard input, CSV only.

Every message names the file and the line (the sheet and the row of a workbook).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import sys
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import RosterError

STDIN = "-"
STDIN_NAME = "standard input"
DELIMITERS = (",", ";", "\t")
KNOWN_COLUMNS = frozenset({"handle", "name", "sector", "user_id", "hours", "tz", "aliases"})  # kwo.roster's
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls (and other OLE2 files)
_LINE_END = re.compile(r"\r\n|\r|\n")
#: A roster workbook is a few kB; one whose parts expand to more is no roster (and a zip bomb
#: must not fill memory).
MAX_XLSX_BYTES = 64 << 20
#: Excel keeps 15 significant digits: a whole number beyond 2**53 typed into a cell has lost some.
_EXACT_FLOAT_LIMIT = 2**53


@dataclass
class RosterRows:
    """A roster file's rows: (line or row number, fields), blank and comment rows included."""

    name: str  # the file as the user named it, or "standard input"
    sha256: str  # of the file's bytes
    rows: list[tuple[int, list[str]]]
    sheet: str | None = None  # the sheet of a workbook
    notices: list[str] = field(default_factory=list)
    delimiter: str = ","  # of a CSV file

    @property
    def where(self) -> str:
        """The file (and sheet), for messages about the whole roster."""
        return self.name if self.sheet is None else f"{self.name}, sheet {self.sheet!r}"

    @property
    def unit(self) -> str:
        return "line" if self.sheet is None else "row"

    def at(self, number: int) -> str:
        """Where row ``number`` is, for the start of a message."""
        if self.sheet is None:
            return f"{self.name}:{number}"
        return f"{self.name}, sheet {self.sheet!r}, row {number}"


def read_roster_rows(path: str | Path) -> RosterRows:
    """The rows of the roster file ``path`` (``-``: standard input). Raises RosterError."""
    if str(path) == STDIN:
        name = STDIN_NAME
        data = sys.stdin.buffer.read()
    else:
        name = str(path)
        p = Path(path)
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            raise RosterError(f"{p}: no such roster file") from None
        except IsADirectoryError:
            raise RosterError(f"{p}: is a directory, not a roster file") from None
        except OSError as exc:
            raise RosterError(f"{p}: cannot read the roster: {exc.strerror or exc}") from None
    sha256 = hashlib.sha256(data).hexdigest()
    if data.startswith(_ZIP_MAGIC):
        if name == STDIN_NAME:
            raise RosterError(f"{name}: these bytes look like an .xlsx workbook, and --brands - reads CSV only: "
                              "pass the workbook's file name, or save the sheet as CSV")
        return _xlsx_rows(data, name, sha256)
    if data.startswith(_OLE_MAGIC):
        raise RosterError(f"{name}: an Excel 97-2003 workbook (.xls), which kwo does not read: "
                          "save it as .xlsx or as CSV")
    text, notices = decode_roster(data, name)
    rows, delimiter = csv_rows(text, name)
    return RosterRows(name, sha256, rows, notices=notices, delimiter=delimiter)


# ---------------------------------------------------------------------------------------------
# CSV


def decode_roster(data: bytes, name: str) -> tuple[str, list[str]]:
    """The text of a roster file's bytes, and the notices to show (Windows-1252 was assumed)."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data, len(codecs.BOM_UTF8), "utf-8", name,
                       "starts with a UTF-8 byte-order mark but is not UTF-8 text"), []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, 0, "utf-16", name,
                       "starts with a UTF-16 byte-order mark but is not UTF-16 text"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    # Not UTF-8: what Excel writes as plain "CSV" on Windows in Western Europe.
    text = _decode(data, 0, "cp1252", name, "is not UTF-8 or Windows-1252 text")
    return text, [f"{name}: not UTF-8 text; read as Windows-1252, the encoding Excel uses for plain CSV "
                  "(save the roster as \"CSV UTF-8\" to avoid this notice)"]


def _decode(data: bytes, start: int, encoding: str, name: str, refusal: str) -> str:
    try:
        return data[start:].decode(encoding)
    except UnicodeDecodeError as exc:
        pos = start + exc.start
        line_start = max(data.rfind(b"\n", 0, pos), data.rfind(b"\r", 0, pos)) + 1
        line = len(_LINE_END.findall(data[:line_start].decode("latin-1"))) + 1
        raise RosterError(f"{name}:{line}: the roster {refusal} "
                          f"(byte 0x{data[pos]:02X} at byte {pos - line_start + 1} of the line)") from None


def csv_rows(text: str, name: str) -> tuple[list[tuple[int, list[str]]], str]:
    """(line, fields) of CSV text, and its separator, decided from the header line."""
    lines = _LINE_END.split(text)
    delimiter, skip = _delimiter(lines)
    if skip:  # the "sep=;" line is no row
        text = text[_first_line_end(text):]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    line = skip  # line numbers count the "sep=" line too
    try:
        for row in reader:
            rows.append((line + 1, row))
            line = reader.line_num + skip
    except csv.Error:
        raise RosterError(f"{name}:{reader.line_num + skip}: malformed CSV: a quote is not closed, or stray "
                          "characters follow a closing quote") from None
    return rows, delimiter


def _first_line_end(text: str) -> int:
    m = _LINE_END.search(text)
    return m.end() if m else len(text)


def _delimiter(lines: list[str]) -> tuple[str, int]:
    """The separator, and 1 when the first line is Excel's ``sep=X`` hint (0 otherwise)."""
    first = lines[0].removeprefix("\ufeff") if lines else ""
    if first.lower().startswith("sep=") and len(first) == 5 and first[4] in DELIMITERS:
        return first[4], 1
    header = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), None)
    if header is None:
        return ",", 0
    best = (0, 0, 0, ",")
    for rank, d in enumerate(DELIMITERS):
        try:
            fields = {f.strip().lower() for f in next(csv.reader([header], delimiter=d))}
        except (csv.Error, StopIteration):
            continue
        # "handle" decides; without it (a header kwo refuses), the split that finds the most
        # column names, so that the message names what is really missing.
        score = ("handle" in fields, len(fields & KNOWN_COLUMNS), -rank, d)
        best = max(best, score)
    return best[3], 0


# ---------------------------------------------------------------------------------------------
# .xlsx


def _xlsx_rows(data: bytes, name: str, sha256: str) -> RosterRows:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            expanded = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise RosterError(f"{name}: not an .xlsx workbook (a damaged zip file)") from None
    if expanded > MAX_XLSX_BYTES:
        raise RosterError(f"{name}: the workbook expands to {expanded:,} bytes, more than a roster can be "
                          f"({MAX_XLSX_BYTES:,}); save the brands sheet on its own, as .xlsx or CSV")
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, InvalidFileException, ...): all mean this
        raise RosterError(f"{name}: not an .xlsx workbook, or a damaged one (kwo reads .xlsx files from "
                          "Excel, LibreOffice and Google Sheets)") from None
    try:
        if not book.worksheets:
            raise RosterError(f"{name}: the workbook has no sheet")
        sheet = book.worksheets[0]
        out = RosterRows(name, sha256, [], sheet=sheet.title)
        try:
            for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
                out.rows.append((number, _cell_texts(cells, out, number)))
        except RosterError:
            raise
        except Exception:
            raise RosterError(f"{name}, sheet {sheet.title!r}: cannot read the sheet (a damaged workbook)") from None
        # A table placed from column B on: the empty columns before it are no roster columns.
        lead = min((next(i for i, v in enumerate(r) if v) for _, r in out.rows if any(r)), default=0)
        out.rows = [(n, r[lead:]) for n, r in out.rows]
        return out
    finally:
        book.close()


def _cell_texts(cells: tuple, where: RosterRows, row: int) -> list[str]:
    texts = [_cell_text(v, where, row, col) for col, v in enumerate(cells, 1)]
    while texts and texts[-1] == "":  # the sheet's width, not this row's
        texts.pop()
    return texts


def _cell_text(value, where: RosterRows, row: int, col: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            if abs(value) >= _EXACT_FLOAT_LIMIT:
                from openpyxl.utils import get_column_letter

                raise RosterError(
                    f"{where.at(row)}: cell {get_column_letter(col)}{row} holds the number {value:.0f}, longer than "
                    "the 15 digits Excel keeps, so its last digits are lost: format the column as Text and "
                    "type the value again")
            return str(int(value))
        return repr(value)
    return str(value)
