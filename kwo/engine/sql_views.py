"""The views ``kwo sql`` queries: their names, one line each for ``kwo sql --help``, and their
SQL over the ``tweets`` view that every archive connection has (kwo.engine.duckdb).

The list here is the list the help shows: tests/test_sql_command.py runs every view it names.
Only kwo's own text is SQL here; nothing a user typed is formatted into it. No duckdb import:
building the command line reads the names without starting DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    name: str
    about: str  # one line for kwo sql --help
    sql: str | None  # None: registered by the connection itself (tweets)


#: ``about`` fits one line of an 80-column help beside the longest name (tests/test_sql_command.py).
VIEWS: tuple[View, ...] = (
    View("tweets", "every tweet in kwo's schema (collected: false = only embedded)", None),
    View("collected", "the collected tweets only: what the figures count", "SELECT * FROM tweets WHERE collected"),
    View("mentions", "an @-mention of a collected tweet a row: tweet_id, handle, ...",
         "SELECT t.tweet_id, t.created_at, t.author_handle, m.handle, m.user_id, t.is_retweet "
         "FROM tweets AS t, unnest(t.mentions) AS u(m) WHERE t.collected"),
    View("replies", "collected replies to a tweet, with parent_in_archive",
         "SELECT r.tweet_id, r.created_at, r.author_handle, r.in_reply_to_tweet_id, r.in_reply_to_handle, "
         "EXISTS (SELECT 1 FROM tweets AS p WHERE p.tweet_id = r.in_reply_to_tweet_id) AS parent_in_archive "
         "FROM tweets AS r WHERE r.collected AND r.in_reply_to_tweet_id IS NOT NULL"),
)


def view_names() -> list[str]:
    return [v.name for v in VIEWS]


__all__ = ["VIEWS", "View", "view_names"]
