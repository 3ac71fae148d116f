"""kwo/sql/: every file's ``-- depends:`` line is what the statement reads (DuckDB's own parser
says what that is), and the build order of the report tables follows from those lines."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from kwo.errors import QueryError
from kwo.metrics.tables import MODES, statements
from kwo.sql import loader
from kwo.sql.loader import EXTERNAL, all_statement_names, build_order, load_query, parse_header, provided

_COMMENT = re.compile(r"--[^\n]*")
# What precedes the query of a statement that json_serialize_sql (SELECT only) cannot take whole.
_PREFIXES = (
    (re.compile(r"^\s*CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+)?(TABLE|VIEW)\s+\w+\s+AS\s", re.I), ""),
    (re.compile(r"^\s*CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+)?MACRO\s+\w+\([^)]*\)\s+AS\s+TABLE\s", re.I), ""),
    (re.compile(r"^\s*CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+)?MACRO\s+\w+\([^)]*\)\s+AS\s", re.I), "SELECT "),
    (re.compile(r"^\s*DELETE\s+FROM\s", re.I), "SELECT * FROM "),
    # UPDATE t SET ... FROM q WHERE ...: reads t and q
    (re.compile(r"^\s*UPDATE\s+(\w+)\s+SET\s.*?\sFROM\s", re.I | re.S), r"SELECT * FROM \1, "),
)


def reads(sql: str) -> set[str]:
    """The tables, views and kwo macros (kwo_*) ``sql`` reads, by DuckDB's parser: base tables
    that are not CTEs of the statement, and functions named kwo_*."""
    query = _COMMENT.sub("", sql)
    for pattern, replacement in _PREFIXES:
        query = pattern.sub(replacement, query, count=1)
    con = duckdb.connect()
    tree = json.loads(con.execute("SELECT json_serialize_sql($q)", {"q": query}).fetchone()[0])
    assert not tree["error"], tree.get("error_message")
    tables, ctes, functions = set(), set(), set()

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE":
                tables.add(node["table_name"])
            if "cte_map" in node:
                ctes.update(entry["key"] for entry in node["cte_map"]["map"])
            if str(node.get("function_name", "")).startswith("kwo_"):
                functions.add(node["function_name"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(tree)
    return (tables - ctes) | functions


def declared(name: str, sql: str) -> set[str]:
    s = parse_header(name, sql)
    return set(s.depends) | ({s.refines} if s.refines else set())


def mismatch(name: str, sql: str) -> str | None:
    got, said = reads(sql), declared(name, sql)
    if got == said:
        return None
    return f"{name}: reads but does not declare {sorted(got - said)}; declares but does not read {sorted(said - got)}"


@pytest.mark.parametrize("name", all_statement_names())
def test_depends_line_is_what_the_statement_reads(name):
    assert mismatch(name, load_query(name)) is None


def test_the_parser_finds_what_the_files_read():
    assert reads(load_query("metrics/brands")) == {"brands", "brand_counts", "mention_answers", "mention_closed", "reply_signatures",
                                                   "kwo_quantiles"}
    assert reads(load_query("tables/mentioned_once")) == {"mentioned"}
    assert reads(load_query("tables/conversation_roots")) == {"tweets", "mentions", "brand_replies"}


@pytest.mark.parametrize("name", ["tables/mention_answers.thread", "metrics/hourly", "caveats/anonymised_handles",
                                  "tables/brand_counts"])
def test_a_missing_or_extra_depends_name_fails(name):
    """What the check catches: one name taken out of the line, or one added."""
    sql = load_query(name)
    line = re.search(r"^-- depends: (.*)$", sql, re.M)
    names = [n.strip() for n in line.group(1).split(",")]
    for gone in names:
        fewer = sql.replace(line.group(0), "-- depends: " + (", ".join(n for n in names if n != gone) or "none"))
        assert gone in mismatch(name, fewer)
    more = sql.replace(line.group(0), line.group(0) + ", tweet_months")
    assert "declares but does not read ['tweet_months']" in mismatch(name, more)


@pytest.mark.parametrize("folder", ["tables", "metrics", "caveats"])
def test_every_name_the_report_files_read_is_made_somewhere(folder):
    known = set(provided("tables")) | set(EXTERNAL)
    for name in loader.statement_names(folder):
        assert set(loader.statement(name).depends) <= known, name


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("spill_safe", [True, False])
def test_build_order_runs_each_table_after_what_it_reads(mode, spill_safe):
    order = statements(mode, spill_safe=spill_safe)
    assert order == statements(mode, spill_safe=spill_safe)  # deterministic
    made = set(EXTERNAL)
    for name in order:
        s = loader.statement(name)
        assert set(s.depends) <= made, (name, set(s.depends) - made)
        made.add(s.provides)
    # one alternative of each: the answer rule's mention_answers, one quantile macro
    assert f"tables/mention_answers.{mode}" in order
    assert ("tables/conversation_roots" in order) == (mode == "thread")
    assert f"tables/kwo_quantiles.{'spill_safe' if spill_safe else 'in_memory'}" in order
    assert sum(n.startswith("tables/kwo_quantiles.") for n in order) == 1
    # the DELETE that refines mentioned runs before anything reads mentioned
    i = order.index("tables/mentioned_once")
    readers = [n for n in order if "mentioned" in loader.statement(n).depends and n != "tables/mentioned_once"]
    assert readers and all(order.index(n) > i for n in readers)
    # every metric and caveat finds its tables
    for name in loader.statement_names("metrics") + loader.statement_names("caveats"):
        assert set(loader.statement(name).depends) <= made, name


def test_the_alternatives_are_declared():
    assert loader.choices("tables") == {"mode": ("direct", "thread"), "quantiles": ("in_memory", "spill_safe")}
    with pytest.raises(QueryError, match="no alternative"):
        build_order("tables", {"mode": "sideways", "quantiles": "spill_safe"})
    with pytest.raises(QueryError, match="depends on mention_answers, which no selected file provides"):
        build_order("tables", {"quantiles": "spill_safe"})  # no answer rule chosen: neither fits


def test_two_files_for_one_name_need_a_when_line(monkeypatch, tmp_path):
    _fake_folder(monkeypatch, tmp_path, {"x.one": "-- depends: none", "x.two": "-- depends: none"})
    with pytest.raises(QueryError, match="t/x.one and t/x.two both provide x"):
        build_order("t")


def _fake_folder(monkeypatch, tmp_path, files: dict[str, str]) -> None:
    (tmp_path / "t").mkdir()
    for stem, header in files.items():
        (tmp_path / "t" / f"{stem}.sql").write_text(f"-- {stem}: test\n{header}\nSELECT 1;\n")
    monkeypatch.setattr(loader, "sql_root", lambda: tmp_path)


def test_build_order_is_topological_and_ties_go_by_name(monkeypatch, tmp_path):
    _fake_folder(monkeypatch, tmp_path, {
        "z": "-- depends: none", "a": "-- depends: m", "m": "-- depends: z, tweets", "b": "-- depends: none",
        "m_clean": "-- refines: m\n-- depends: m",
    })
    assert build_order("t") == ["t/b", "t/z", "t/m", "t/m_clean", "t/a"]


def test_build_order_refuses_cycles_and_unknown_names(monkeypatch, tmp_path):
    _fake_folder(monkeypatch, tmp_path, {"a": "-- depends: b", "b": "-- depends: a", "c": "-- depends: none"})
    with pytest.raises(QueryError, match="t/a, t/b form a cycle"):
        build_order("t")


def test_unknown_dependency_and_missing_header(monkeypatch, tmp_path):
    _fake_folder(monkeypatch, tmp_path, {"a": "-- depends: nowhere"})
    with pytest.raises(QueryError, match="depends on nowhere"):
        build_order("t")
    with pytest.raises(QueryError, match="no '-- depends:' line"):
        parse_header("x", "-- x: no header\nSELECT 1")


def test_an_engine_folder_overrides_a_statement(monkeypatch, tmp_path):
    (tmp_path / "metrics").mkdir()
    (tmp_path / "spark" / "metrics").mkdir(parents=True)
    (tmp_path / "metrics" / "x.sql").write_text("-- depends: none\nSELECT 1")
    (tmp_path / "spark" / "metrics" / "x.sql").write_text("-- depends: none\nSELECT 2")
    monkeypatch.setattr(loader, "sql_root", lambda: tmp_path)
    assert load_query("metrics/x").endswith("SELECT 1")
    assert load_query("metrics/x", "spark").endswith("SELECT 2")


def test_one_engine_text_serves_every_alternative(monkeypatch, tmp_path):
    """spark/tables/q.sql replaces tables/q.a.sql and tables/q.b.sql; the build still picks one of
    them by the shared files' -- when: lines, and a variant's own engine text wins."""
    (tmp_path / "tables").mkdir()
    (tmp_path / "spark" / "tables").mkdir(parents=True)
    for variant in ("a", "b", "c"):
        (tmp_path / "tables" / f"q.{variant}.sql").write_text(f"-- depends: none\n-- when: k={variant}\nSELECT '{variant}'")
    (tmp_path / "spark" / "tables" / "q.sql").write_text("-- depends: none\nSELECT 'spark'")
    (tmp_path / "spark" / "tables" / "q.c.sql").write_text("-- depends: none\n-- when: k=c\nSELECT 'spark c'")
    monkeypatch.setattr(loader, "sql_root", lambda: tmp_path)
    assert [load_query(f"tables/q.{v}", "spark")[-9:] for v in "abc"] == ["T 'spark'", "T 'spark'", "'spark c'"]
    assert load_query("tables/q.a").endswith("SELECT 'a'")
    assert build_order("tables", {"k": "b"}, engine="spark") == ["tables/q.b"]
    assert build_order("tables", {"k": "a"}, engine="spark") == ["tables/q.a"]


def test_any_sub_folder_is_found(monkeypatch, tmp_path):
    """A folder of its own (ingest's merge statements: kwo/sql/ingest/) needs no registration."""
    (tmp_path / "ingest").mkdir()
    (tmp_path / "ingest" / "merge.sql").write_text("-- merge: test\n-- depends: staged\nSELECT * FROM staged")
    monkeypatch.setattr(loader, "sql_root", lambda: tmp_path)
    assert load_query("ingest/merge").endswith("FROM staged")
    assert all_statement_names() == ["ingest/merge"]
    assert mismatch("ingest/merge", load_query("ingest/merge")) is None
