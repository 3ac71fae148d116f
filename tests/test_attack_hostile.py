"""The attack suite of issue 13, hostile-input and output half: every case that once did harm,
kept so that none comes back (docs/robustness.md lists them with what each promises).

Each case runs as a hostile or careless user would and checks kwo's own words, that no
traceback escapes and, where an archive is involved, that it is intact afterwards (the same
tweet ids and row count, the same bytes).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from kwo.engine.duckdb import connect
from kwo.ingest import ingest

from .kwo_cli import run_kwo

# Text that acts on a terminal: SGR colours, an OSC 8 hyperlink, a screen clear, a carriage
# return that lets the rest overwrite the line, a right-to-left override, a C1 CSI.
ESC_TEXT = ("\x1b[31mred\x1b[0m \x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ \x1b[2J"
            "\rover \u202eevil\u202c \x9b31m \x07")
MARKUP_NAME = "[link=http://evil.example]Legit Bank[/link]"
MARKUP_SECTOR = "[/bold]"
MD_NAME = "x|y\\|z\n<script>alert(1)</script><img src=x onerror=alert(1)>"
MD_SECTOR = "*b* _i_ `c` [a](http://evil.example) ~~s~~ &lt; # h"
CTRL_SECTOR = "fin\x00ance\x1b[31m"

# What may never reach a terminal, a Markdown file or an SVG from the data: C0 controls but LF
# (and tab in terminal cells), DEL, C1 controls, bidi overrides and isolates.
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def v1(i: int, text: str, user: tuple[str, str], *, reply_to: int | None = None, mentions=()) -> dict:
    t = {
        "id_str": str(1_000 + i),
        "created_at": f"Tue Mar 01 1{i % 10}:00:00 +0000 2016",
        "text": text,
        "user": {"id_str": user[0], "screen_name": user[1]},
        "entities": {"user_mentions": [{"id_str": uid, "screen_name": h} for uid, h in mentions]},
    }
    if reply_to is not None:
        t["in_reply_to_status_id_str"] = str(1_000 + reply_to)
    return t


KPN, ING, NS = ("1", "kpn"), ("2", "ing"), ("3", "ns")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("hostile")
    tweets = [
        v1(0, "@kpn " + ESC_TEXT, ("100", "ann"), mentions=[KPN]),
        v1(1, "@ann sorry!", KPN, reply_to=0, mentions=[("100", "ann")]),
        v1(2, "@ing [/bold] " + MARKUP_NAME, ("101", "bob"), mentions=[ING]),
        v1(3, "@ns hoi", ("102", "cat"), mentions=[NS]),
        v1(4, "@kpn nul\u0000 here", ("103", "dan"), mentions=[KPN]),
    ]
    dump = root / "t.jsonl"
    dump.write_text("".join(json.dumps(t) + "\n" for t in tweets))
    archive = root / "archive"
    ingest([str(dump)], archive)
    roster = root / "brands.csv"
    with open(roster, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["handle", "name", "sector"])
        w.writerow(["kpn", MARKUP_NAME, MARKUP_SECTOR])
        w.writerow(["ing", ESC_TEXT, CTRL_SECTOR])
        w.writerow(["ns", MD_NAME, MD_SECTOR])
    return {"root": root, "archive": archive, "roster": roster, "dump": dump}


def run(*args, env=None) -> tuple[int, str, str]:
    result = run_kwo(*args, code=None, env=env)
    return result.exit_code, result.stdout, result.stderr


def kwo(*args, **kwargs) -> subprocess.CompletedProcess:
    """kwo in a process of its own (what a shell runs), stdout and stderr as text."""
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "kwo", *map(str, args)], text=True, **kwargs)


def archive_state(archive: Path) -> tuple:
    """What must survive every attack: the tweet ids, the row count and every byte on disk."""
    con = connect(archive)
    try:
        ids = [r[0] for r in con.execute("SELECT tweet_id FROM tweets ORDER BY tweet_id").fetchall()]
    finally:
        con.close()
    files = {p.relative_to(archive).as_posix(): p.read_bytes() for p in sorted(archive.rglob("*")) if p.is_file()}
    return len(ids), ids, files


# ---------------------------------------------------------------------------------------------
# 10, 11. The terminal: data is plain text, never markup, its control characters made visible


def test_visible_writes_control_characters_as_their_code():
    from kwo.safe_text import visible

    assert visible("a\x1b[31mb\x00c\x7f\x85\u202e\u2066d\ud800") == "a\\x1b[31mb\\x00c\\x7f\\x85\\u202e\\u2066d\\ud800"
    assert visible("tab\tnew\nline\r", keep="\n\t") == "tab\tnew\nline\\x0d"
    plain = "Legit Bank ☕ 👩‍💻 é ✓ \\x1b"  # emoji with a zero-width joiner, a literal backslash
    assert visible(plain) is plain


WIDE = {"COLUMNS": "400"}  # kwo sql's rich reads the width from COLUMNS: no cell wraps


@pytest.mark.parametrize("command", ["report", "brands", "answered", "proactive"])
def test_report_tables_show_markup_and_escapes_as_text(hostile, command):
    # A sector "[/bold]" crashed every table with a MarkupError; "[link=...]" made a link.
    code, out, err = run(command, "-a", hostile["archive"], "-b", hostile["roster"])
    assert code == 0, err
    assert not RAW_CONTROLS.search(out)
    if command == "proactive":
        assert f"│ kpn    │ {MARKUP_NAME} │" in out
    else:
        assert f" {MARKUP_SECTOR} " in out and " fin\\x00ance\\x1b[31m " in out


def test_report_table_on_a_colour_terminal_makes_no_link(hostile):
    from kwo.metrics import build_report
    from kwo.render import view_data
    from kwo.render.render import render_table

    buf = io.StringIO()
    render_table(view_data(build_report(hostile["archive"], hostile["roster"]), "report"), buf, color=True,
                 width=400)
    out = buf.getvalue()
    assert "\x1b[1m" in out  # the terminal's own styles are there (bold headers)
    assert "\x1b]8;" not in out  # but no hyperlink: neither rich's [link] nor the data's OSC 8
    assert "\x1b[31m" not in out and "\x1b[2J" not in out and "\r" not in out
    assert f" {MARKUP_NAME} " in out and f" {MARKUP_SECTOR} " in out
    assert (" \\x1b[31mred\\x1b[0m \\x1b]8;;http://evil.example\\x1b\\click\\x1b]8;;\\x1b\\ \\x1b[2J"
            "\\x0dover \\u202eevil\\u202c \\x9b31m \\x07 ") in out


def test_kwo_sql_table_shows_text_and_column_names_as_text(hostile):
    query = ('SELECT text AS "[link=http://evil.example]col[/link]", \'[/bold]\' AS "[/bold]", '
             '\'x\' AS "\x1b]8;;http://evil.example\x1b\\c\x1b[2J" FROM tweets WHERE tweet_id = 1000')
    code, out, err = run("sql", query, "-a", hostile["archive"], env=WIDE)
    assert code == 0, err
    assert not RAW_CONTROLS.search(out)
    header, row = out.split("\n")[1], out.split("\n")[3]
    assert [c.strip() for c in header.split("┃")[1:-1]] == [
        "[link=http://evil.example]col[/link]", "[/bold]", "\\x1b]8;;http://evil.example\\x1b\\c\\x1b[2J"]
    assert [c.strip() for c in row.split("│")[1:-1]] == [
        "@kpn \\x1b[31mred\\x1b[0m \\x1b]8;;http://evil.example\\x1b\\click\\x1b]8;;\\x1b\\ \\x1b[2J\\x0dover "
        "\\u202eevil\\u202c \\x9b31m \\x07", "[/bold]", "x"]


def test_ingest_summary_shows_hostile_file_and_archive_names_as_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "[bold]\x1b[31mx.jsonl"
    Path(name).write_text(json.dumps(v1(0, "@kpn hoi", ("100", "ann"), mentions=[KPN])) + "\n")
    code, out, err = run("ingest", name, "-a", "[link=http:evil.example]arch")
    assert code == 0, err
    assert not RAW_CONTROLS.search(out)
    assert out.split("\n")[0].rstrip() == "Ingested into [link=http:evil.example]arch"
    assert "│ [bold]\\x1b[31mx.jsonl │ v1     │    1 │       1 │" in out


def test_ingest_progress_bar_shows_a_hostile_file_name_as_text(tmp_path):
    from rich.console import Console

    from kwo.cli.progress import ingest_progress

    buf = io.StringIO()
    with ingest_progress(True, console=Console(file=buf, force_terminal=True, width=120)) as bar:
        bar.start_file(str(tmp_path / "[link=http:evil]\x1b]8;;http:evil\x1b\\x[bold].jsonl"), 10)
        bar.advance(10)
    out = buf.getvalue()
    assert "[link=http:evil]\\x1b]8;;http:evil\\x1b\\x[bold].jsonl" in out
    assert "\x1b]8;" not in out


def test_errors_show_control_characters_of_file_names(tmp_path):
    missing = tmp_path / "no\x1b[2Jsuch\n.jsonl"
    code, out, err = run("ingest", missing, "-a", tmp_path / "a")
    assert code == 1 and out == ""
    assert err == f"Error: {tmp_path}/no\\x1b[2Jsuch\\x0a.jsonl: no such file\n"


# ---------------------------------------------------------------------------------------------
# 12. Markdown: every cell inert GitHub-flavoured Markdown


def _markdown_tables(text: str) -> list[list[list[str]]]:
    """The tables of a Markdown text as markdown-it (CommonMark + GFM tables) renders them: rows
    of cell texts, entities and escapes decoded; raises when the HTML holds raw tags of the data."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    html = md.render(text)
    assert "<script" not in html and "<img" not in html and "<a " not in html
    for table in re.findall(r"<table>.*?</table>", html, re.S):
        assert not re.search(r"<(em|strong|code|s|del|h\d|li|blockquote)>", table), table
    from html.parser import HTMLParser

    tables: list = []

    class P(HTMLParser):
        cell: list | None = None

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                tables.append([])
            elif tag == "tr":
                tables[-1].append([])
            elif tag in ("td", "th"):
                self.cell = []
            elif tag == "br" and self.cell is not None:
                self.cell.append("\n")

        def handle_endtag(self, tag):
            if tag in ("td", "th"):
                tables[-1][-1].append("".join(self.cell))
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    P(convert_charrefs=True).feed(html)
    return tables


def test_markdown_text_renders_as_exactly_the_text():
    from kwo.safe_text import markdown_text

    for text in (MD_NAME, MD_SECTOR, MARKUP_NAME, "a\\", "\\|", "- item", "# h", "===", "+ x", "&amp; &#60;",
                 "**x**", "<b>b</b>", "x\r\ny", "-3.5", "ns_online", "_i_", "a__b__c", "é_ü_", "x_*y*_z"):
        (table,) = _markdown_tables(f"| a | b |\n|---|---|\n| {markdown_text(text)} | end |\n")
        assert table[1] == [text.replace("\r\n", "\n"), "end"], text
    # what needs no escape keeps its looks in the raw Markdown
    assert markdown_text("ns_online") == "ns_online" and markdown_text("58.0%") == "58.0%"
    assert markdown_text("<=30 min") == "&lt;=30 min"


def test_markdown_report_keeps_every_row_and_shows_names_as_written(hostile):
    code, out, err = run("brands", "-a", hostile["archive"], "-b", hostile["roster"], "--format", "markdown")
    assert code == 0, err
    assert not RAW_CONTROLS.search(out)
    table, *more = _markdown_tables(out)  # brands, their agents (none signs here), monthly, weekly, the ranking
    agents, *trend_and_ranking = more
    assert agents == [["brand", "agent", "replies", "to mentions", "median (min)", "hours active"]]
    assert len(trend_and_ranking) == 3 and all(len({len(r) for r in t}) == 1 for t in trend_and_ranking)
    header, *rows = table
    assert header[:3] == ["handle", "name", "sector"]
    assert all(len(r) == len(header) for r in rows)  # no row broken, no cell split by a pipe
    names = {r[0]: (r[1], r[2]) for r in rows}
    assert names["kpn"] == (MARKUP_NAME, MARKUP_SECTOR)
    assert names["ns"] == (MD_NAME, MD_SECTOR)
    assert names["ing"][1] == "fin\\x00ance\\x1b[31m"


def test_markdown_full_report_tables_keep_their_shape(hostile):
    code, out, err = run("report", "-a", hostile["archive"], "-b", hostile["roster"], "--format", "markdown")
    assert code == 0, err
    tables = _markdown_tables(out)
    # totals, response times, hourly, weekday x hour, brands, sectors, agents, monthly, weekly, ranking,
    # tweets per month
    assert len(tables) == 11
    for table in tables:
        assert len({len(r) for r in table}) == 1
    (sector_table,) = [t for t in tables if t[0][0] == "sector"]
    sectors = {r[0] for r in sector_table[1:]}
    assert {MARKUP_SECTOR, MD_SECTOR, "fin\\x00ance\\x1b[31m"} <= sectors


# ---------------------------------------------------------------------------------------------
# 13. SVG and HTML: valid XML whatever the names hold


CHART_NAMES = ("rush-hour", "response-by-hour", "closed-by-hour", "heatmap", "response-times",
               "response-times-by-sector", "trend", "months")


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_chart_is_valid_svg_with_control_characters_in_names(hostile, tmp_path, name):
    out = tmp_path / f"{name}.svg"
    code, _, err = run("chart", name, "-a", hostile["archive"], "-b", hostile["roster"], "-o", out)
    assert code == 0, err
    ElementTree.fromstring(out.read_bytes())  # raises on a character XML 1.0 forbids


def test_sector_chart_shows_the_names_with_visible_controls(hostile):
    from kwo.metrics import build_report
    from kwo.render import view_data
    from kwo.render.charts import render_chart

    data = view_data(build_report(hostile["archive"], hostile["roster"], details=True), "report")
    svg = render_chart("response-times-by-sector", data, "svg", text_as_paths=False).decode()
    ElementTree.fromstring(svg)
    assert "fin\\x00ance\\x1b[31m" in svg
    assert "[/bold]" in svg


def test_html_report_has_no_raw_controls_and_its_charts_parse(hostile, tmp_path):
    out = tmp_path / "r.html"
    code, _, err = run("report", "-a", hostile["archive"], "-b", hostile["roster"], "--format", "html", "-o", out)
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert not RAW_CONTROLS.search(html)
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(svgs) == 18  # each of the 9 charts (the staffing heatmap too) wide and narrow
    for svg in svgs:
        ElementTree.fromstring(svg)
    assert "fin\\x00ance\\x1b[31m" in html


# ---------------------------------------------------------------------------------------------
# 5. --output: never into an archive, never over a device, FIFO, link or directory


@pytest.fixture
def fresh(hostile, tmp_path) -> dict:
    """A copy of the hostile archive to attack, and its state before."""
    import shutil

    archive = tmp_path / "A"
    shutil.copytree(hostile["archive"], archive)
    return {**hostile, "archive": archive, "before": archive_state(archive)}


def _report_to(fresh, output, *extra) -> tuple[int, str, str]:
    return run("brands", "-a", fresh["archive"], "-b", fresh["roster"], "--format", "json", "-o", output, *extra)


@pytest.mark.parametrize("inside", ["manifest.json", "tweets/x.json", "new.json", "."])
def test_output_inside_the_reported_archive_is_refused(fresh, inside):
    target = fresh["archive"] / inside
    code, out, err = _report_to(fresh, target)
    assert code == 2 and out == ""
    if inside == ".":  # the archive itself (a directory: for --format csv it would get the tables)
        assert f"Error: --output {target}: is inside the archive {fresh['archive']}" in err
    else:
        assert f"Error: --output {target}: is inside the archive {fresh['archive']}; kwo does not write into an " \
               "archive (choose a path outside it)" in err
    assert archive_state(fresh["archive"]) == fresh["before"]


def test_output_inside_another_archive_and_through_a_link_is_refused(fresh, hostile, tmp_path):
    other = tmp_path / "other"
    import shutil

    shutil.copytree(hostile["archive"], other)
    before_other = archive_state(other)
    code, _, err = _report_to(fresh, other / "manifest.json")
    assert code == 2 and f"is inside the kwo archive {other.resolve()}" in err
    link = tmp_path / "innocent.json"
    link.symlink_to(fresh["archive"] / "manifest.json")
    code, _, err = _report_to(fresh, link)
    assert code == 2 and f"Error: --output {link}: is inside the archive" in err
    assert link.is_symlink()
    assert archive_state(fresh["archive"]) == fresh["before"] and archive_state(other) == before_other
    code, _, err = run("chart", "rush-hour", "-a", fresh["archive"], "-b", fresh["roster"], "-o",
                       fresh["archive"] / "tweets" / "c.svg")
    assert code == 2 and "is inside the archive" in err
    assert archive_state(fresh["archive"]) == fresh["before"]


def test_output_to_a_fifo_writes_into_it(fresh, tmp_path):
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    code, out, err = _report_to(fresh, fifo)
    reader.join(30)
    assert code == 0 and out == "", err
    import stat

    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a FIFO, not replaced by a regular file
    assert {b["handle"] for b in json.loads(got[0])["brands"]} == {"kpn", "ing", "ns"}
    assert sorted(os.listdir(tmp_path)) == ["A", "pipe"]


def _device(path: Path, minor: int) -> Path:
    import stat

    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except (PermissionError, OSError):
        pytest.skip("creating a character device needs CAP_MKNOD (root)")
    return path


def test_output_to_a_full_device_is_a_clear_error_and_the_device_stays(fresh, tmp_path):
    import stat

    full = _device(tmp_path / "full", 7)  # what /dev/full is
    code, out, err = _report_to(fresh, full)
    assert code == 1 and out == ""
    assert err == f"Error: {full}: cannot write: No space left on device\n"
    assert stat.S_ISCHR(os.lstat(full).st_mode) and os.stat(full).st_rdev == os.makedev(1, 7)
    null = _device(tmp_path / "null", 3)  # /dev/null
    code, _, err = _report_to(fresh, null)
    assert code == 0, err
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["A", "full", "null"]


def test_output_through_a_link_writes_the_file_it_points_to(fresh, tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    code, _, err = _report_to(fresh, link)
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert json.loads(real.read_text())["view"] == "brands"
    assert real.stat().st_mode & 0o777 == 0o640  # the file's permissions are kept
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere" / "x.json")
    code, _, err = _report_to(fresh, dangling)
    assert code == 2 and "is a symbolic link to" in err and "which does not exist" in err
    assert dangling.is_symlink()
    assert sorted(os.listdir(tmp_path)) == ["A", "dangling.json", "link.json", "real.json"]


def test_output_refuses_a_directory_and_a_missing_directory(fresh, tmp_path):
    code, _, err = _report_to(fresh, tmp_path)
    assert code == 2 and "is a directory" in err
    code, _, err = _report_to(fresh, tmp_path / "no" / "such.json")
    assert code == 2 and f"Error: --output {tmp_path}/no/such.json: the directory {tmp_path}/no does not exist" in err


def test_output_dash_and_dev_stdout_write_to_standard_output(fresh, tmp_path):
    code, out, err = _report_to(fresh, "-")
    assert code == 0 and json.loads(out)["view"] == "brands", err
    # /dev/stdout of a real process: a pipe, then a file the shell opened
    proc = kwo("brands", "-a", fresh["archive"], "-b", fresh["roster"], "--format", "json", "-o", "/dev/stdout")
    assert proc.returncode == 0 and json.loads(proc.stdout)["view"] == "brands", proc.stderr
    with open(tmp_path / "shell.json", "w") as f:
        proc = kwo("brands", "-a", fresh["archive"], "-b", fresh["roster"], "--format", "json", "-o", "/dev/stdout",
                   stdout=f)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "shell.json").read_text())["view"] == "brands"


def test_output_that_fails_midway_leaves_the_old_file_and_no_temporary(fresh, tmp_path):
    target = tmp_path / "report.html"
    target.write_text("the old report")
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000));"
        "import signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
        "from kwo.cli import cli; cli(sys.argv[1:], prog_name='kwo')"
    )
    proc = subprocess.run([sys.executable, "-c", code, "report", "-a", str(fresh["archive"]), "-b",
                           str(fresh["roster"]), "--format", "html", "-o", str(target)],
                          capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == f"Error: {target}: cannot write: File too large\n"
    assert target.read_text() == "the old report"
    assert sorted(os.listdir(tmp_path)) == ["A", "report.html"]


@pytest.mark.parametrize("fmt,where", [("v1", "."), ("twcs", "tweets"), ("parquet", "tweets/month=2016-03")])
def test_sample_out_inside_an_archive_is_refused(fresh, fmt, where):
    out = fresh["archive"] / where
    code, _, err = run("sample", "--out", out, "--tweets", "100", "--format", fmt, "-q")
    assert code == 2
    assert f"--out {out}: is inside the kwo archive {fresh['archive'].resolve()}; write the sample" in err
    assert archive_state(fresh["archive"]) == fresh["before"]


# ---------------------------------------------------------------------------------------------
# 14. Standard output on a full disk, and into a closed pipe (every command)


def _stdout_commands(case: dict, tmp_path: Path) -> dict[str, list]:
    a, b, dump = case["archive"], case["roster"], case["dump"]
    commands = {
        "help": ["--help"], "version": ["--version"], "report-help": ["report", "--help"],
        "ingest": ["ingest", dump, "-a", tmp_path / "i1"], "ingest-json": ["ingest", dump, "-a", tmp_path / "i2", "--json"],
        "sql-table": ["sql", "SELECT * FROM tweets", "-a", a],
        "sql-csv": ["sql", "SELECT * FROM tweets", "-a", a, "--format", "csv"],
        "sql-json": ["sql", "SELECT * FROM tweets", "-a", a, "--format", "json"],
        "sample": ["sample", "--out", tmp_path / "s", "--tweets", "100"],
    }
    for name in ("report", "answered", "proactive", "rush-hour", "response-times", "brands"):
        commands[name] = [name, "-a", a, "-b", b]
    for fmt in ("json", "csv", "markdown", "html"):
        commands[f"report-{fmt}"] = ["report", "-a", a, "-b", b, "--format", fmt]
    return commands


def test_standard_output_on_a_full_disk_is_one_clear_line(fresh, tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:  # opened, as a shell's > /dev/full does
        procs = {name: subprocess.Popen([sys.executable, "-m", "kwo", *map(str, args)], stdout=full,
                                        stderr=subprocess.PIPE, text=True)
                 for name, args in _stdout_commands(fresh, tmp_path).items()}
        results = {name: (p.wait(120), p.stderr.read()) for name, p in procs.items()}
    for name, (code, err) in results.items():
        assert (code, err) == (1, "Error: cannot write to standard output: No space left on device\n"), name
    assert archive_state(fresh["archive"]) == fresh["before"]


def test_a_closed_pipe_ends_the_command_quietly(fresh, tmp_path):
    commands = _stdout_commands(fresh, tmp_path)
    procs = {}
    for name in ("help", "version", "ingest-json", "sql-table", "sql-csv", "report", "report-html"):
        p = subprocess.Popen([sys.executable, "-m", "kwo", *map(str, commands[name])], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        p.stdout.close()  # the reader is gone before kwo writes a byte: what `| head` leads to
        procs[name] = p
    for name, p in procs.items():
        assert (p.wait(120), p.stderr.read()) == (141, ""), name
    assert archive_state(fresh["archive"]) == fresh["before"]


# ---------------------------------------------------------------------------------------------
# 14. kwo sql: statements the sandbox did not know, deep nesting, NaN


@pytest.mark.parametrize("query,kind", [
    ("UPDATE EXTENSIONS", "kwo sql is read-only: UPDATE EXTENSIONS statements are refused (use SELECT)"),
    ("update extensions (httpfs)", "kwo sql is read-only: UPDATE EXTENSIONS statements are refused (use SELECT)"),
    ("EXPLAIN UPDATE EXTENSIONS", "kwo sql is read-only: EXPLAIN is allowed of a SELECT only (this one explains: "
                                  "UPDATE EXTENSIONS)"),
])
def test_kwo_sql_refuses_statements_duckdb_python_cannot_name(fresh, query, kind):
    code, out, err = run("sql", query, "-a", fresh["archive"])
    assert (code, out, err) == (1, "", f"Error: {kind}\n")
    assert archive_state(fresh["archive"]) == fresh["before"]


DEEP = "SELECT " + "[" * 600 + "1" + "]" * 600 + " AS x"


def test_kwo_sql_prints_lists_nested_600_deep(hostile):
    code, out, err = run("sql", DEEP, "-a", hostile["archive"], "--format", "json")
    assert code == 0, err
    value = json.loads(out)[0]["x"]
    depth = 0
    while isinstance(value, list):
        (value,), depth = value, depth + 1
    assert (depth, value) == (600, 1)
    code, out, err = run("sql", DEEP, "-a", hostile["archive"], "--format", "csv")
    assert code == 0 and out == "x\n" + "[" * 600 + "1" + "]" * 600 + "\n", err
    code, out, err = run("sql", DEEP, "-a", hostile["archive"], env=WIDE)
    assert code == 0 and out.count("[") == 600 and out.endswith("1 row\n"), err


def test_kwo_sql_json_writes_null_for_nan_and_infinity(hostile):
    query = ("SELECT 'nan'::DOUBLE AS a, 'inf'::DOUBLE AS b, '-inf'::DOUBLE AS c, ['nan'::DOUBLE, 1.5] AS l, "
             "{'x': 'inf'::FLOAT} AS s, 2 AS a")
    code, out, err = run("sql", query, "-a", hostile["archive"], "--format", "json")
    assert code == 0, err
    assert out == '[{"a": null, "b": null, "c": null, "l": [null, 1.5], "s": {"x": null}, "a_1": 2}]\n'
    json.loads(out, parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))


# ---------------------------------------------------------------------------------------------
# 8. kwo sql limits: time, Ctrl-C, temporary disk, memory; rows stream


ENDLESS = "SELECT count(*) FROM range(10000000000000) a, range(10) b"  # hours of work


def test_kwo_sql_stops_at_its_timeout(hostile):
    code, out, err = run("sql", ENDLESS, "-a", hostile["archive"], "--timeout", "0.5")
    assert (code, out) == (1, "")
    assert err == "Error: the query was stopped after 0.5 s (kwo sql --timeout 0.5; --timeout 0 for no limit)\n"


def test_kwo_sql_honours_ctrl_c_while_duckdb_computes(hostile, tmp_path):
    import signal
    import time

    env = _spill_env(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "kwo", "sql", ENDLESS, "-a", str(hostile["archive"])],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    # kwo makes its spill folder as it connects, just before the query runs (polled, not timed)
    for _ in range(1200):
        if list(Path(env["TMPDIR"]).glob(f"kwo-spill-{proc.pid}-*")) or proc.poll() is not None:
            break
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    try:
        code = proc.wait(60)  # the query itself would run for hours
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("Ctrl-C did not stop the query")
    err = proc.stderr.read()
    assert (code, proc.stdout.read(), err) == (130, "", "Interrupted.\n"), err


def test_kwo_sql_streams_rows_instead_of_gathering_them(hostile):
    endless = "SELECT range AS n FROM range(10000000000000)"
    # the table shows the first 1,000 rows and stops the query
    proc = kwo("sql", endless, "-a", hostile["archive"], timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith("│ 999 │\n└─────┘\nthe first 1,000 rows: --max-rows 0 shows all, --format csv or json "
                                "streams them\n")
    # csv rows reach the reader as they come: it reads some and goes
    p = subprocess.Popen([sys.executable, "-m", "kwo", "sql", endless, "-a", str(hostile["archive"]), "--format",
                          "csv"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert [p.stdout.readline() for _ in range(4)] == ["n\n", "0\n", "1\n", "2\n"]
    p.stdout.close()
    assert (p.wait(120), p.stderr.read()) == (141, "")


def _spill_env(tmp_path: Path, memory: str = "100MB") -> dict:
    tmp = tmp_path / "tmp"
    tmp.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmp), "KWO_MEMORY_LIMIT": memory}


SPILLING = "SELECT x, repeat('a', 200) AS s FROM range(20000000) t(x) ORDER BY random()"


def test_kwo_sql_temporary_disk_is_bounded(hostile, tmp_path):
    env = _spill_env(tmp_path)
    proc = kwo("sql", SPILLING, "-a", hostile["archive"], "--temp-limit", "30MB", "--format", "csv", env=env)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == ("Error: the query needs more than 30MB of disk for its temporary files (kwo sql "
                           "--temp-limit 30MB): filter or aggregate more, or raise --temp-limit\n")
    assert os.listdir(env["TMPDIR"]) == []  # its spill folder went with it
    proc = kwo("sql", "SELECT 1", "-a", hostile["archive"], "--temp-limit", "lots")
    assert proc.returncode == 2 and "Error: --temp-limit 'lots': expected a size such as 500MB or 10GB" in proc.stderr


def test_kwo_sql_memory_limit_is_a_clear_error(hostile, tmp_path):
    proc = kwo("sql", "SELECT string_agg(repeat('a', 1000), ',') FROM range(1000000)", "-a", hostile["archive"],
               env=_spill_env(tmp_path))
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.startswith("Error: the query needs more memory than kwo's limit of 100MB (set "
                                  "KWO_MEMORY_LIMIT to raise it): Out of Memory Error: ")
    assert proc.stderr.count("\n") == 1


def test_spill_folders_of_dead_runs_are_removed_and_nothing_else(hostile, tmp_path):
    import fcntl

    env = _spill_env(tmp_path)
    tmp = Path(env["TMPDIR"])
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)  # a pid that no longer runs

    def folder(name: str, *files: str) -> Path:
        p = tmp / name
        (p / "c0").mkdir(parents=True)
        (p / ".kwo-lock").touch()
        for f in files:
            (p / f).write_text("x")
        return p

    folder(f"kwo-spill-{dead}-0123abcd", "c0/duckdb_temp_1_0_storage_DEFAULT-0.tmp", "scratch-1.duckdb.wal")
    foreign = folder(f"kwo-spill-{dead}-89abcdef", "c0/duckdb_temp_1_0_owner", "notes.txt")
    live = folder(f"kwo-spill-{dead}-fedcba98", "c0/duckdb_temp_1_0_owner")
    held = os.open(live / ".kwo-lock", os.O_RDWR)
    fcntl.flock(held, fcntl.LOCK_EX)  # a live process of another pid namespace, say
    other = folder(f"kwo-duckdb-{dead}-01234567", "c0/duckdb_temp_x")  # not kwo's spill naming
    target = tmp_path / "elsewhere"
    (target / "c0").mkdir(parents=True)
    (target / ".kwo-lock").touch()
    (target / "c0" / "duckdb_temp_keep").write_text("keep")
    (tmp / f"kwo-spill-{dead}-00000000").symlink_to(target)  # a link with kwo's name
    try:
        proc = kwo("sql", "SELECT 1 AS n", "-a", hostile["archive"], "--format", "csv", env=env)
        assert (proc.returncode, proc.stdout) == (0, "n\n1\n"), proc.stderr
        assert sorted(p.name for p in tmp.iterdir()) == sorted(
            [foreign.name, live.name, other.name, f"kwo-spill-{dead}-00000000"])
        assert sorted(p.name for p in foreign.rglob("*")) == [".kwo-lock", "notes.txt"]  # only DuckDB's went
        assert (live / "c0" / "duckdb_temp_1_0_owner").exists()
        assert (other / "c0" / "duckdb_temp_x").exists() and (target / "c0" / "duckdb_temp_keep").exists()
    finally:
        os.close(held)


def test_a_dead_runs_empty_spark_warehouse_goes_with_its_folder_and_a_full_one_stays(tmp_path):
    """A local Spark session keeps its (empty) warehouse folder in kwo's process folder
    (kwo.engine.spark); the cleaning after a killed run removes it only while it is empty."""
    from kwo.engine.spill import clean_dead_folders

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)
    empty, full = tmp_path / f"kwo-spill-{dead}-0123abcd", tmp_path / f"kwo-spill-{dead}-89abcdef"
    for folder in (empty, full):
        (folder / "spark-warehouse").mkdir(parents=True)
        (folder / ".kwo-lock").touch()
    (full / "spark-warehouse" / "table.parquet").write_text("somebody's")
    assert clean_dead_folders(str(tmp_path)) == [str(empty)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [full.name]
    assert (full / "spark-warehouse" / "table.parquet").read_text() == "somebody's"


def test_a_killed_query_leaves_spill_files_that_the_next_run_removes(hostile, tmp_path):
    import signal
    import time

    env = _spill_env(tmp_path)
    tmp = Path(env["TMPDIR"])
    proc = subprocess.Popen([sys.executable, "-m", "kwo", "sql", SPILLING + ", x", "-a", str(hostile["archive"]),
                             "--temp-limit", "2GB", "--format", "csv"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):  # until DuckDB has spilled (polled; nothing timed)
            if any(p.name.startswith("duckdb_temp") and "storage" in p.name for p in tmp.rglob("*")):
                break
            if proc.poll() is not None:
                pytest.fail("the query ended before it spilled")
            time.sleep(0.1)
        else:
            pytest.fail("no spill file appeared")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    left = list(tmp.iterdir())
    assert len(left) == 1 and left[0].name.startswith(f"kwo-spill-{proc.pid}-")
    done = kwo("sql", "SELECT 1 AS n", "-a", hostile["archive"], "--format", "csv", env=env)
    assert done.returncode == 0, done.stderr
    assert list(tmp.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# 14. Period and window options at the ends of the calendar


PERIOD_COMMANDS = ["report", "answered", "proactive", "rush-hour", "response-times", "brands"]


@pytest.mark.parametrize("command", PERIOD_COMMANDS)
def test_period_options_at_the_ends_of_the_calendar_work(hostile, command):
    a, b = hostile["archive"], hostile["roster"]

    def totals(*options):
        code, out, err = run(command, "-a", a, "-b", b, "--format", "json", *options)
        assert code == 0, err
        data = json.loads(out)
        return data.get("totals"), data.get("brands"), data["parameters"]

    everything, brands, _ = totals()
    # before and after every tweet: the same figures as no bound at all (the UTC bounds fall
    # outside the years 1-9999 and are left open)
    t, bb, p = totals("--since", "0001-01-01", "--until", "9999-12-31")
    assert (t, bb) == (everything, brands)
    assert (p["since"], p["until"], p["since_utc"], p["until_utc"]) == ("0001-01-01", "9999-12-31", None, None)
    t, _, p = totals("--since", "9999-12-31")
    assert p["since_utc"] == "9999-12-30T23:00:00Z"
    if t and "mention_tweets" in t:
        assert t["mention_tweets"] == 0
    t, _, p = totals("--until", "0001-01-01", "--tz", "UTC")
    assert p["until_utc"] == "0001-01-02T00:00:00Z"
    if t and "mention_tweets" in t:
        assert t["mention_tweets"] == 0


def test_chart_takes_the_ends_of_the_calendar(hostile, tmp_path):
    code, _, err = run("chart", "rush-hour", "-a", hostile["archive"], "-b", hostile["roster"], "--since",
                       "0001-01-01", "--until", "9999-12-31", "-o", tmp_path / "c.svg")
    assert code == 0, err
    ElementTree.fromstring((tmp_path / "c.svg").read_bytes())


@pytest.mark.parametrize("value", ["0000-12-31", "10000-01-01", "9999-12-32"])
def test_dates_outside_the_calendar_are_usage_errors(hostile, value):
    code, out, err = run("answered", "-a", hostile["archive"], "-b", hostile["roster"], "--until", value)
    assert (code, out) == (2, "")
    assert f"Error: --until {value!r}: expected a date YYYY-MM-DD (or YYYY-MM-DDTHH:MM) in the report time zone" in err


@pytest.mark.parametrize("command", [*PERIOD_COMMANDS, "chart"])
def test_an_endless_window_is_a_usage_error(hostile, tmp_path, command):
    extra = ["rush-hour", "-o", tmp_path / "c.svg"] if command == "chart" else []
    code, out, err = run(command, *extra[:1], "-a", hostile["archive"], "-b", hostile["roster"], "--window",
                         "999999999999d", *extra[1:])
    assert (code, out) == (2, "")
    assert ("Error: --window '999999999999d': longer than 36,500d (100 years); leave --window out to count an "
            "answer whenever it came") in err
    code, _, err = run("answered", "-a", hostile["archive"], "-b", hostile["roster"], "--window", "36500d")
    assert code == 0, err


# ---------------------------------------------------------------------------------------------
# 9. Blank runs: skipped at native speed, never taken for an empty file; absurd expansion noted

BLANK_RUN = 64 << 20  # newlines; 256 MiB of them took 252 s line by line (1.1 MB gzipped)
TWCS_HEADER = b"tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"


def _tw(i: int) -> bytes:
    return json.dumps(v1(i, "@kpn hoi", ("100", "ann"), mentions=[KPN])).encode()


def _twcs_row(i: int) -> bytes:
    return f"{i},100,True,Tue Mar 01 10:00:00 +0000 2016,@kpn hoi {i},,\n".encode()


def _js(i: int) -> bytes:
    return json.dumps({"tweet": {"id_str": str(3000 + i), "created_at": "Tue Mar 01 10:00:00 +0000 2016",
                                 "full_text": "@kpn hoi"}}).encode()


@pytest.fixture(scope="module")
def blank_files(tmp_path_factory) -> dict[str, Path]:
    import gzip

    root = tmp_path_factory.mktemp("blank")
    run_ = b"\n" * BLANK_RUN
    v2 = {"data": [{"id": "2000", "text": "@kpn hoi", "author_id": "100", "created_at": "2016-03-01T10:00:00.000Z",
                    "edit_history_tweet_ids": ["2000"]}], "includes": {"users": [{"id": "100", "username": "ann"}]}}
    v2b = json.loads(json.dumps(v2).replace("2000", "2001"))
    contents = {
        "v1.jsonl.gz": _tw(0) + b"\n" + run_ + _tw(1) + b"\n",
        "v1-leading.jsonl.gz": run_ + _tw(2) + b"\n" + b"{broken\n",
        "v1-array.json.gz": b"[\n" + _tw(3) + b"," + run_ + _tw(4) + b"\n]\n",
        "v2.jsonl.gz": json.dumps(v2).encode() + b"\n" + run_ + json.dumps(v2b).encode() + b"\n",
        "twcs.csv.gz": TWCS_HEADER + _twcs_row(1) + run_ + _twcs_row(2) + b"1,2,3\n",
        "tweets.js.gz": b"window.YTD.tweets.part0 = [\n" + _js(0) + b"," + run_ + _js(1) + b"]\n",
    }
    files = {}
    for name, data in contents.items():
        files[name] = root / name
        files[name].write_bytes(gzip.compress(data, 9))
    return files


def _cpu_bounded(seconds: int):
    def limit():
        import resource

        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))

    return limit


def test_blank_runs_are_skipped_at_native_speed_in_every_reader(blank_files, tmp_path):
    # A CPU-time bound instead of a clock: line by line, these files take minutes of CPU.
    archive = tmp_path / "a"
    proc = kwo("ingest", *blank_files.values(), "-a", archive, "--json", "-j", "1", "--account", "ann",
               preexec_fn=_cpu_bounded(60))
    assert proc.returncode == 0, proc.stderr
    got = {Path(f["path"]).name: (f["format"], f["records_read"], f["tweets_written"], f["quarantined"])
           for f in json.loads(proc.stdout)["per_file"]}
    assert got == {
        "v1.jsonl.gz": ("v1", 2, 2, 0),
        "v1-leading.jsonl.gz": ("v1", 2, 1, 1),  # was "empty", 0 records: the tweet after the blanks lost
        "v1-array.json.gz": ("v1", 2, 2, 0),  # was "a record too long", the second tweet lost
        "v2.jsonl.gz": ("v2", 2, 2, 0),
        "twcs.csv.gz": ("twcs", 3, 2, 1),
        "tweets.js.gz": ("archive", 2, 2, 0),  # was "an element too long", the second tweet lost
    }
    lines = {Path(q["file"]).name: q["line"] for q in map(json.loads, (archive / "quarantine").glob("*.jsonl")
                                                          .__next__().read_text().splitlines())}
    # line numbers count the blank lines: the broken line follows 64 Mi of them
    assert lines == {"v1-leading.jsonl.gz": BLANK_RUN + 2, "twcs.csv.gz": BLANK_RUN + 4}


def test_absurd_expansion_is_noted_in_the_ingest_summary(blank_files, tmp_path):
    code, out, err = run("ingest", blank_files["v1.jsonl.gz"], "-a", tmp_path / "a", env=WIDE)
    assert code == 0, err
    size = blank_files["v1.jsonl.gz"].stat().st_size
    ratio = (BLANK_RUN + 2 * len(_tw(0)) + 2) / size
    assert (f"note: {blank_files['v1.jsonl.gz']} decompressed to {ratio:,.0f} times its size ({size / 1024:,.1f} KiB "
            "to 64.0 MiB): a file this repetitive is mostly blank lines or filler, not tweets") in out.replace("\n", " ")
    sample = Path(__file__).resolve().parents[1] / "sample_data" / "tweets-2016-01.jsonl.gz"
    code, out, err = run("ingest", sample, "-a", tmp_path / "b")
    assert code == 0 and "note:" not in out, err


# ---------------------------------------------------------------------------------------------
# 7. Nesting depth and memory bounded in every reader: 100 KB of nested [ in each format

NEST = 100_000
MEMORY_BOUND = 4 << 30  # address space of the ingest; ijson's account-archive path took 24 GB


def _nested_inputs() -> dict[str, tuple[bytes, tuple, list]]:
    """name -> (content, (format, records, written, quarantined), [(line, reason)])"""
    tw, tw2 = _tw(0), _tw(1)
    v2 = json.dumps({"data": [{"id": "2000", "text": "@kpn hoi", "author_id": "100",
                               "created_at": "2016-03-01T10:00:00.000Z", "edit_history_tweet_ids": ["2000"]}]})
    deep = b"[" * NEST
    too_deep_doc = "broken JSON document (nested too deeply); the rest of the document cannot be read"
    return {
        "v1-line.jsonl": (tw + b"\n" + deep + b"\n" + tw2 + b"\n", ("v1", 3, 2, 1), [(2, "JSON nested too deeply")]),
        "v1-first.jsonl": (deep + b"\n" + tw + b"\n", ("v1", 2, 1, 1), [(1, "JSON nested too deeply")]),
        "v1-pretty.json": (b"[\n" + tw + b",\n" + deep + b"\n", ("v1", 2, 1, 1), [(3, too_deep_doc)]),
        "v1-objects.json": (b"[\n" + tw + b",\n" + b'{"a":' * NEST + b"\n", ("v1", 2, 1, 1), [(3, too_deep_doc)]),
        "v2.jsonl": (v2.encode() + b"\n" + deep + b"\n", ("v2", 2, 1, 1), [(2, "JSON nested too deeply")]),
        "twcs.csv": (TWCS_HEADER + _twcs_row(1)[:-3] + deep + b",,\n" + _twcs_row(2), ("twcs", 2, 2, 0), []),
        "tweets.js": (b"window.YTD.tweets.part0 = [\n" + _js(0) + b"," + deep + b"]" * NEST + b"," + _js(1) + b"]",
                      ("archive", 3, 2, 1), [(None, "element 2: nested too deeply")]),
        "tweets-open.js": (b"window.YTD.tweets.part0 = [\n" + _js(0) + b"," + deep, ("archive", 2, 1, 1),
                           [(None, "JSON syntax error after element 1; the rest of the file is not read")]),
    }


@pytest.mark.parametrize("name", list(_nested_inputs()))
def test_deep_nesting_is_quarantined_with_memory_bounded(tmp_path, name):
    import resource

    content, counts, entries = _nested_inputs()[name]
    path = tmp_path / name
    path.write_bytes(content)

    def bounded():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BOUND, MEMORY_BOUND))

    archive = tmp_path / "a"
    proc = kwo("ingest", path, "-a", archive, "--json", "-j", "1", "--account", "ann", preexec_fn=bounded)
    assert proc.returncode == 0, proc.stderr
    (f,) = json.loads(proc.stdout)["per_file"]
    assert (f["format"], f["records_read"], f["tweets_written"], f["quarantined"]) == counts
    quarantine = [json.loads(x) for q in (archive / "quarantine").glob("*.jsonl") for x in q.read_text().splitlines()]
    assert [(q["line"], q["reason"]) for q in quarantine] == entries
    assert all(q["raw"].startswith(("[[[[", '{"a":{"a":')) for q in quarantine)


def test_a_file_of_only_nesting_is_an_unknown_format(tmp_path):
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * NEST)
    code, out, err = run("ingest", path, "-a", tmp_path / "a")
    assert (code, out) == (1, "") and err.startswith(f"Error: {path}: unknown format; kwo reads: ")
    assert not (tmp_path / "a" / "manifest.json").exists()
