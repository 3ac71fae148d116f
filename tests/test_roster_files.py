"""Rosters as analysts save them (kwo.roster_files): Dutch Excel CSV (semicolons, BOM, CRLF),
Windows-1252, tabs, UTF-16, .xlsx workbooks and standard input; and the same report from each."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from kwo.cli import cli
from kwo.errors import RosterError
from kwo.roster import load_roster

from . import handmade as hm

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"

PLAIN = 'handle,name,sector,user_id,hours\n@KPN,"KPN, de webcare",telecom,1,mon-fri 08:00-22:00; sat 10:00-18:00\ning,ING,finance,3,\n'
WANT = [  # (handle, name, sector, user_id, hours, line)
    ("kpn", "KPN, de webcare", "telecom", "1", "mon-fri 08:00-22:00; sat 10:00-18:00", 2),
    ("ing", "ING", "finance", "3", None, 3),
]


def brands(roster):
    return [(b.handle, b.name, b.sector, b.user_id, b.hours, b.line) for b in roster]


def rows_of(csv_text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_text)))


def excel_csv(csv_text: str, delimiter: str = ";") -> str:
    """The roster as Excel writes it: its separator, CRLF, quotes only where needed."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows_of(csv_text))
    return out.getvalue()


def xlsx(path: Path, csv_text: str, sheet: str = "Merken", numbers: bool = True) -> Path:
    """The roster typed into a workbook: digits as numbers (as Excel stores them), and a second
    sheet that kwo must not read."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows_of(csv_text):
        ws.append([int(v) if numbers and v.isdigit() else v for v in row])
    book.create_sheet("Notities").append(["handle", "name", "sector"])
    book.save(path)
    return path


def write(tmp_path, data: bytes, name: str = "brands.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


# ---------------------------------------------------------------------------------------------
# Separators, encodings, line ends


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_every_separator_and_encoding_gives_the_same_brands(tmp_path, delimiter, encoding):
    r = load_roster(write(tmp_path, excel_csv(PLAIN, delimiter).encode(encoding)))
    assert brands(r) == WANT
    # ASCII text is UTF-8 text: no notice, whatever the encoding it was saved in
    assert r.notices == []


def test_the_dutch_excel_roster_of_the_issue(tmp_path):
    # Before: "header lacks column(s) handle, name, sector (... got handle;name;sector)".
    p = write(tmp_path, b"\xef\xbb\xbfhandle;name;sector\r\nkpn;KPN;telecom\r\n")
    assert [(b.handle, b.name, b.sector, b.line) for b in load_roster(p)] == [("kpn", "KPN", "telecom", 2)]


def test_windows_1252_is_read_with_a_notice(tmp_path):
    text = "handle;name;sector\r\nkpn;Café – 10 €;telecom\r\n"
    p = write(tmp_path, text.encode("cp1252"))
    r = load_roster(p)
    assert [b.name for b in r] == ["Café – 10 €"]
    assert r.notices == [f'{p}: not UTF-8 text; read as Windows-1252, the encoding Excel uses for plain CSV '
                         '(save the roster as "CSV UTF-8" to avoid this notice)']
    # the same text in UTF-8: no notice
    assert load_roster(write(tmp_path, text.encode("utf-8"), "utf8.csv")).notices == []


def test_bytes_that_are_no_text_name_the_line(tmp_path):
    # Before: "the roster is not UTF-8 text (byte 31)". 0x81 is neither UTF-8 nor Windows-1252.
    p = write(tmp_path, b"handle;name;sector\r\nkpn;KPN;t\r\ning;I\x81NG;t\r\n")
    with pytest.raises(RosterError) as e:
        load_roster(p)
    assert str(e.value) == f"{p}:3: the roster is not UTF-8 or Windows-1252 text (byte 0x81 at byte 6 of the line)"
    # a UTF-8 byte-order mark says UTF-8: a Windows-1252 byte after it is an error, on its line
    p = write(tmp_path, b"\xef\xbb\xbfhandle,name,sector\nkpn,KPN,t\ning,Caf\xe9,t\n", "bom.csv")
    with pytest.raises(RosterError) as e:
        load_roster(p)
    assert str(e.value) == (f"{p}:3: the roster starts with a UTF-8 byte-order mark but is not UTF-8 text "
                            "(byte 0xE9 at byte 8 of the line)")


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_line_ends_and_line_numbers(tmp_path, end):
    text = end.join(["# the brands", "handle;name;sector", "", "kpn;KPN;t", "kpn;KPN;t", ""])
    p = write(tmp_path, text.encode())
    with pytest.raises(RosterError) as e:
        load_roster(p)
    assert str(e.value).startswith(f"{p}:5: duplicate handle 'kpn' (already on line 4;")


def test_the_header_decides_the_separator(tmp_path):
    # Commas in the values, semicolons between them: the header line has "handle" only when split
    # on semicolons. csv.Sniffer picks the comma for such a file.
    p = write(tmp_path, b"handle;name;sector\nkpn;KPN, Telfort, XS4ALL;telecom, internet\n")
    assert [(b.name, b.sector) for b in load_roster(p)] == [("KPN, Telfort, XS4ALL", "telecom, internet")]
    # and a quoted semicolon in a comma-separated file stays in its field
    p = write(tmp_path, b'handle,name,sector,hours\nkpn,KPN,t,"mon 08:00-17:00; tue 09:00-17:00"\n', "c.csv")
    assert [b.hours for b in load_roster(p)] == ["mon 08:00-17:00; tue 09:00-17:00"]


def test_excel_sep_line(tmp_path):
    p = write(tmp_path, b"sep=;\r\nhandle;name;sector\r\nkpn;KPN;t\r\nkpn;K;t\r\n")
    with pytest.raises(RosterError, match=rf"^{p}:4: duplicate handle 'kpn' \(already on line 3;"):
        load_roster(p)


def test_a_header_without_handle_is_refused_as_written(tmp_path):
    p = write(tmp_path, b"naam;sector\nKPN;telecom\n")
    with pytest.raises(RosterError) as e:
        load_roster(p)
    assert str(e.value) == (f"{p}:1: header lacks column(s) handle, name (expected "
                            "handle,name,sector[,user_id][,hours][,tz][,aliases], separated by commas, semicolons "
                            "or tabs; got naam;sector)")


# ---------------------------------------------------------------------------------------------
# .xlsx


def test_xlsx_first_sheet(tmp_path):
    r = load_roster(xlsx(tmp_path / "brands.xlsx", PLAIN))
    assert brands(r) == WANT  # user ids typed as numbers come back as their digits
    assert r.source == str(tmp_path / "brands.xlsx") and r.notices == []


def test_xlsx_errors_name_the_sheet_and_the_row(tmp_path):
    p = xlsx(tmp_path / "brands.xlsx", PLAIN + "kpn,KPN bis,telecom,,\n")
    with pytest.raises(RosterError) as e:
        load_roster(p)
    assert str(e.value) == (f"{p}, sheet 'Merken', row 4: duplicate handle 'kpn' (already on row 2; "
                            "handles are compared case-insensitively)")
    p = xlsx(tmp_path / "empty.xlsx", "")
    with pytest.raises(RosterError) as e:
        load_roster(p)
    assert str(e.value).startswith(f"{p}, sheet 'Merken': the roster is empty (expected a header row:")


def test_xlsx_table_that_starts_at_b3(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws["B1"] = "# Merken van de webcare-afdeling"  # a title above the table, as a comment row
    for row, values in ((3, ("handle", "name", "sector")), (4, ("kpn", "KPN", "telecom")), (6, ("@KPN", "K", "t"))):
        for col, value in enumerate(values, 2):
            ws.cell(row=row, column=col, value=value)
    book.save(tmp_path / "b3.xlsx")
    with pytest.raises(RosterError) as e:
        load_roster(tmp_path / "b3.xlsx")
    assert str(e.value).startswith(f"{tmp_path / 'b3.xlsx'}, sheet 'Sheet', row 6: duplicate handle 'kpn' "
                                   "(already on row 4;")


def test_xlsx_number_that_excel_rounded(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["handle", "name", "sector", "user_id"])
    book.active.append(["kpn", "KPN", "telecom", 972473092814589952.0])  # what Excel keeps of that id
    book.save(tmp_path / "ids.xlsx")
    with pytest.raises(RosterError) as e:
        load_roster(tmp_path / "ids.xlsx")
    assert str(e.value) == (f"{tmp_path / 'ids.xlsx'}, sheet 'Sheet', row 2: cell D2 holds the number "
                            "972473092814589952, longer than the 15 digits Excel keeps, so its last digits are "
                            "lost: format the column as Text and type the value again")


def test_files_that_are_no_workbook(tmp_path):
    for name, data, message in [
        ("a.xlsx", b"PK\x03\x04 not really a zip", "not an .xlsx workbook (a damaged zip file)"),
        ("b.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
         "an Excel 97-2003 workbook (.xls), which kwo does not read: save it as .xlsx or as CSV"),
    ]:
        with pytest.raises(RosterError) as e:
            load_roster(write(tmp_path, data, name))
        assert str(e.value) == f"{tmp_path / name}: {message}"
    import zipfile

    with zipfile.ZipFile(tmp_path / "c.xlsx", "w") as z:  # a zip, but no workbook in it
        z.writestr("hello.txt", "hello")
    with pytest.raises(RosterError, match=r"c\.xlsx: not an \.xlsx workbook, or a damaged one"):
        load_roster(tmp_path / "c.xlsx")


def test_a_workbook_that_expands_too_far_is_refused(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (65 << 20))
    with pytest.raises(RosterError) as e:
        load_roster(tmp_path / "bomb.xlsx")
    assert str(e.value) == (f"{tmp_path / 'bomb.xlsx'}: the workbook expands to 68,157,440 bytes, more than a "
                            "roster can be (67,108,864); save the brands sheet on its own, as .xlsx or CSV")


# ---------------------------------------------------------------------------------------------
# The CLI: standard input, the notice, the same report from every form of the roster


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    # A name with letters outside ASCII, so that the Windows-1252 roster differs from the UTF-8 one.
    roster = hm.ROSTER_CSV.replace(",NS,", ",NS – café €,")
    assert roster != hm.ROSTER_CSV
    return hm.build_archive(tmp_path_factory.mktemp("habits"), hm.ROWS, roster)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from kwo.ingest import ingest

    root = tmp_path_factory.mktemp("sample")
    ingest(sorted(str(p) for p in SAMPLE.glob("tweets-*.jsonl.gz")), root / "archive", workers=1)
    text = (SAMPLE / "brands.csv").read_text(encoding="utf-8")
    first = text.splitlines()[1].split(",")[1]  # the first brand's name
    text = text.replace(f",{first},", f",{first} – café €,", 1)
    plain = root / "brands.csv"
    plain.write_text(text, encoding="utf-8")
    return root / "archive", plain


def forms(tmp: Path, plain: Path) -> dict[str, Path]:
    text = plain.read_text(encoding="utf-8")
    out = {}
    for name, data in {
        "dutch-excel-utf8.csv": excel_csv(text).encode("utf-8-sig"),
        "dutch-excel-1252.csv": excel_csv(text).encode("cp1252"),
        "tabs.txt": excel_csv(text, "\t").encode("utf-16"),
    }.items():
        out[name] = write(tmp, data, name)
    out["brands.xlsx"] = xlsx(tmp / "brands.xlsx", text)
    return out


def figures(stdout: str) -> dict:
    data = json.loads(stdout)
    del data["parameters"]  # names the roster file and its sha256
    return data


@pytest.mark.parametrize("which", ["case", "sample"])
def test_every_form_of_the_roster_gives_the_same_report(request, tmp_path, which):
    archive, plain = request.getfixturevalue(which)
    base = run("report", "-a", archive, "-b", plain, "--format", "json")
    assert base.exit_code == 0, base.output
    want = figures(base.stdout)
    assert any(b["name"].endswith("– café €") for b in want["brands"])  # the name made it through
    assert want["totals"]["mention_tweets"] > 0
    for name, path in forms(tmp_path, plain).items():
        got = run("report", "-a", archive, "-b", path, "--format", "json")
        assert got.exit_code == 0, (name, got.output)
        assert figures(got.stdout) == want, name
        assert json.loads(got.stdout)["parameters"]["roster"] == str(path)
        notice = f"Notice: {path}: not UTF-8 text; read as Windows-1252"
        assert (notice in got.stderr) == (name == "dutch-excel-1252.csv"), name
    # and from standard input
    got = run("report", "-a", archive, "-b", "-", "--format", "json",
              input=excel_csv(plain.read_text(encoding="utf-8")).encode("cp1252"))
    assert got.exit_code == 0, got.output
    assert figures(got.stdout) == want
    assert json.loads(got.stdout)["parameters"]["roster"] == "standard input"
    assert "Notice: standard input: not UTF-8 text; read as Windows-1252" in got.stderr


def test_stdin_reads_csv_only(case, tmp_path):
    archive, plain = case
    data = xlsx(tmp_path / "b.xlsx", plain.read_text(encoding="utf-8")).read_bytes()
    got = run("brands", "-a", archive, "--brands", "-", input=data)
    assert got.exit_code == 1
    assert got.stderr == ("Error: standard input: these bytes look like an .xlsx workbook, and --brands - reads "
                          "CSV only: pass the workbook's file name, or save the sheet as CSV\n")
    got = run("brands", "-a", archive, "-b", "-", input=b"handle;name;sector\nkpn;KPN;t\nKPN;K;t\n")
    assert got.exit_code == 1
    assert got.stderr.startswith("Error: standard input:3: duplicate handle 'kpn' (already on line 2;")
