"""kwo sql as a command: the views its help lists (each one run), -f/--format, -o/--output (and
the format its suffix implies), the query from standard input, ids as strings in JSON, the
table's row limit and its note, and 80-column output."""

from __future__ import annotations

import json

import pytest

from kwo.engine.sql_views import VIEWS, view_names

from . import handmade as hm
from .kwo_cli import run_kwo as run


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return hm.build_archive(tmp_path_factory.mktemp("sql"), hm.ROWS, hm.ROSTER_CSV)[0]


def _help_views(text: str) -> list[str]:
    """The names under "Views:" in kwo sql --help, one a line."""
    lines = text.splitlines()
    start = lines.index("  Views:") + 1
    names = []
    for line in lines[start:]:
        if not line.strip():
            break
        names.append(line.split()[0])
    return names


def test_help_lists_the_views_that_exist_one_line_each(archive):
    text = run("sql", "--help", env={"COLUMNS": "80"}).output
    assert _help_views(text) == view_names() == ["tweets", "collected", "mentions", "replies"]
    assert max(len(line) for line in text.splitlines()) <= 80
    # every view named there exists and answers, with the counts of tests/handmade.py counted in Python
    collected = [r for r in hm.ROWS if r.collected]
    ids = {r.tweet_id for r in hm.ROWS}
    expected = {
        "tweets": len(hm.ROWS),
        "collected": len(collected),
        "mentions": sum(len(r.mentions) for r in collected),
        "replies": sum(1 for r in collected if r.reply_to is not None),
    }
    for view in VIEWS:
        out = run("sql", f"SELECT count(*) AS n FROM {view.name}", "-a", archive, "-f", "json").output
        assert json.loads(out) == [{"n": expected[view.name]}], view.name
    found = sum(1 for r in collected if r.reply_to is not None and r.reply_to in ids)
    mention_retweets = sum(len(r.mentions) for r in collected if r.is_retweet)
    got = json.loads(run("sql", "SELECT (SELECT count(*) FROM replies WHERE parent_in_archive) AS found, "
                         "(SELECT count(*) FROM mentions WHERE is_retweet) AS mention_retweets",
                         "-a", archive, "-f", "json").output)
    assert got == [{"found": found, "mention_retweets": mention_retweets}]
    assert found > 0 and mention_retweets > 0  # the handmade rows have both


BIG = 972473092814589952  # a real tweet id: a double rounds it to 972473092814589952 -> ...590000


def test_json_writes_ids_and_big_integers_as_strings(archive):
    query = (f"SELECT {BIG}::BIGINT AS tweet_id, 5::BIGINT AS author_id, 7::UBIGINT AS id, "
             f"{BIG}::BIGINT AS big, 9007199254740991::BIGINT AS safe, 42 AS n, [{BIG}] AS nested, "
             "NULL::BIGINT AS quote_of_id, 'x' AS name_id")
    out = run("sql", query, "-a", archive, "--format", "json").output
    # read as JavaScript and jq read JSON: every number a double
    (row,) = json.loads(out, parse_int=float)
    assert row == {"tweet_id": str(BIG), "author_id": "5", "id": "7", "big": str(BIG), "safe": 9007199254740991.0,
                   "n": 42.0, "nested": [str(BIG)], "quote_of_id": None, "name_id": "x"}
    # the ids of the archive too, and -f is --format
    rows = json.loads(run("sql", "SELECT tweet_id, in_reply_to_tweet_id FROM tweets WHERE tweet_id = 102",
                          "-a", archive, "-f", "json").output)
    assert rows == [{"tweet_id": "102", "in_reply_to_tweet_id": "101"}]


def test_query_from_standard_input_and_output_files(archive, tmp_path):
    out = run("sql", "-", "-a", archive, "-f", "csv", input="SELECT 1 AS a, 'b' AS b\n").output
    assert out == "a,b\n1,b\n"
    assert "standard input held no SQL" in run("sql", "-", "-a", archive, input="  \n", code=2).output
    # -o NAME.csv / NAME.json: the suffix gives the format; -o - is standard output
    run("sql", "SELECT 1 AS a", "-a", archive, "-o", tmp_path / "a.csv")
    assert (tmp_path / "a.csv").read_text() == "a\n1\n"
    run("sql", "SELECT 1 AS a", "-a", archive, "--output", tmp_path / "a.json")
    assert json.loads((tmp_path / "a.json").read_text()) == [{"a": 1}]
    run("sql", "SELECT 1 AS a", "-a", archive, "-o", tmp_path / "a.json", "-f", "csv")
    assert (tmp_path / "a.json").read_text() == "a\n1\n"  # an explicit --format wins
    assert run("sql", "SELECT 1 AS a", "-a", archive, "-o", "-", "-f", "csv").output == "a\n1\n"


def test_the_table_shows_1000_rows_and_says_how_to_see_them_all(archive):
    out = run("sql", "SELECT range AS i FROM range(1500)", "-a", archive, env={"COLUMNS": "80"}).output
    lines = out.splitlines()
    assert lines[-1] == "the first 1,000 rows: --max-rows 0 shows all, --format csv or json streams them"
    assert sum(1 for line in lines if line.startswith("│")) == 1000
    out = run("sql", "SELECT range AS i FROM range(1500)", "-a", archive, "--max-rows", "0").output
    assert out.splitlines()[-1] == "1,500 rows"
    assert sum(1 for line in out.splitlines() if line.startswith("│")) == 1500
    out = run("sql", "SELECT range AS i FROM range(1500)", "-a", archive, "--max-rows", "3").output
    assert out.splitlines()[-1].startswith("the first 3 rows:")


def test_a_wide_result_in_80_columns_is_printed_one_record_at_a_time(archive):
    out = run("sql", "SELECT * FROM tweets WHERE tweet_id IN (101, 102) ORDER BY tweet_id", "-a", archive,
              env={"COLUMNS": "80"}).output
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert [line.split()[0:2] for line in lines if line.startswith("row ")] == [["row", "1"], ["row", "2"]]
    # each column a line: name and value, nothing squeezed
    values = {line.split()[0]: line.split()[1] for line in lines if line.startswith(("tweet_id", "author_handle"))}
    assert values == {"tweet_id": "102", "author_handle": "kpn"}  # the last block wins in this dict
    assert sum(1 for line in lines if line.startswith("tweet_id ")) == 2
    assert lines[-1] == "2 rows"
    # a narrow result stays a table
    out = run("sql", "SELECT tweet_id, author_handle FROM tweets WHERE tweet_id = 101", "-a", archive,
              env={"COLUMNS": "80"}).output
    assert "┃ tweet_id ┃ author_handle ┃" in out


@pytest.mark.parametrize("command", ["sql", "chart"])
def test_help_fits_80_columns(command):
    text = run(command, "--help", env={"COLUMNS": "80"}).output
    assert max(len(line) for line in text.splitlines()) <= 80
