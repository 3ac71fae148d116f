"""kwo's SQL files: loaded by name, their headers read, the build order of the report tables.

The files are package data of kwo, one statement a file, a comment on top saying what it computes:

    tables/NAME[.VARIANT].sql   the report tables (kwo.metrics.tables builds them, in build_order)
    metrics/NAME.sql            one figure a file (kwo.metrics.registry names them)
    caveats/NAME.sql            one caveat check a file (kwo.caveats)
    FOLDER/NAME.sql             any other folder is found the same way (ingest/: the ingest merge)
    ENGINE/FOLDER/NAME.sql      an engine's own text of a statement (ENGINE one of ENGINES): wins
                                over FOLDER/NAME.sql when that engine runs it. The shared files are
                                DuckDB's dialect; an engine puts only the statements whose text
                                differs under its folder. ENGINE/FOLDER/BASE.sql (no variant)
                                serves every alternative FOLDER/BASE.VARIANT.sql that has no text of
                                its own there. Which alternative a build takes is always the shared
                                files' choice.

A statement's name is its path without ``.sql``: ``metrics/hourly``, ``tables/mention_answers.thread``.

Header lines (comments before the statement; values are kwo's names, never user input):

    -- depends: a, b        every table, view or macro the statement reads, or ``none``. Required;
                            tests/test_sql_files.py parses every file and fails when the list and
                            what the statement reads differ. Names no file creates are EXTERNAL.
    -- provides: x          the relation (table, view, macro) it creates; default: the file name
                            up to the first dot (tables/mentions.sql provides mentions).
    -- when: key=value      the file is one alternative for what it provides, used when the build's
                            choice for key is value. The choices today (CHOICES): mode=direct|thread
                            (the answer rule) and quantiles=spill_safe|in_memory (kwo_quantiles).
    -- refines: x           the statement changes x in place (a DELETE): it runs after x is created
                            and before everything that depends on x.

The build order is a topological sort of the chosen tables/ files over these headers, ties broken
by name, so it is the same on every run and independent of how files are numbered or listed.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from ..errors import QueryError

#: Engines that may have a folder of their own statements (see the module docstring).
ENGINES = ("duckdb", "spark")
DEFAULT_ENGINE = "duckdb"

#: Names the statements read that no SQL file creates, and who creates them.
EXTERNAL = {
    "tweets": "the archive's view (kwo.engine.duckdb.connect_archive)",
    "kwo_handle": "function of the engine's prelude (kwo.engine.duckdb.PRELUDE, kwo.engine.spark.PRELUDE)",
    "kwo_isodow": "function of the engine's prelude (kwo.engine.duckdb.PRELUDE, kwo.engine.spark.PRELUDE)",
    "kwo_isoweek": "function of the engine's prelude (kwo.engine.duckdb.PRELUDE, kwo.engine.spark.PRELUDE)",
    "kwo_epoch_ms": "function of the engine's prelude (kwo.engine.duckdb.PRELUDE, kwo.engine.spark.PRELUDE)",
    "kwo_epoch_us": "function of the engine's prelude (kwo.engine.duckdb.PRELUDE, kwo.engine.spark.PRELUDE)",
    "kwo_timestamptz_us": "function of the engine's prelude (kwo.engine.duckdb.PRELUDE, kwo.engine.spark.PRELUDE)",
    "kwo_timestamp_us": "function of the engine's prelude (kwo.engine.duckdb.PRELUDE, kwo.engine.spark.PRELUDE)",
    "kwo_utc_hour": "function of the engine's prelude (kwo.engine.duckdb.PRELUDE, kwo.engine.spark.PRELUDE)",
    "brands": "the roster (kwo.metrics.tables.register_roster)",
    "brand_handles": "the roster (kwo.metrics.tables.register_roster)",
    "brand_hours": "the roster (kwo.metrics.tables.register_roster)",
    "brand_open_spans": "the roster's opening hours as UTC spans, made when a statement first reads it "
                        "(kwo.metrics.business_hours)",
    "brand_clocks": "the clock (zone and hours) of each brand with hours, made with brand_open_spans "
                    "(kwo.metrics.business_hours)",
    "staffing_hours": "the period's hours and their weekday-hours (kwo.staffing_report)",
    "staged": "the rows an ingest staged (kwo.ingest.merge)",
    "archive_rows": "the archive's rows with their part file, during an ingest (kwo.ingest.merge)",
    "upgrade_candidates": "the parts upgrade_files names, during an ingest (kwo.ingest.merge)",
}

_NAME_RE = re.compile(r"[\w][\w.]*(/[\w][\w.]*)*")
_HEADER_RE = re.compile(r"^--\s*(depends|provides|when|refines):(.*)$", re.MULTILINE)
_COMMENT_RE = re.compile(r"--[^\n]*")
_PARAM_RE = re.compile(r"\$([A-Za-z_]\w*)")


def sql_root() -> Path:
    """The folder of kwo's SQL files (inside the package: a wheel carries them as package data)."""
    return Path(__file__).resolve().parent


def _check_name(name: str) -> None:
    if not _NAME_RE.fullmatch(name) or ".." in name:
        raise QueryError(f"not a query name: {name!r}")


def engine_text_path(name: str, engine: str, root: Path | None = None) -> Path | None:
    """The file of ``engine``'s own text of statement ``name``, if it has one: ENGINE/NAME.sql, or
    ENGINE/FOLDER/BASE.sql for every alternative FOLDER/BASE.VARIANT.sql."""
    root = root or sql_root()
    folder, _, stem = name.rpartition("/")
    for path in (root / engine / f"{name}.sql", root / engine / folder / f"{stem.split('.', 1)[0]}.sql"):
        if path.is_file():
            return path
    return None


@cache
def _read(root: str, name: str, engine: str) -> str:
    path = engine_text_path(name, engine, Path(root)) or Path(root) / f"{name}.sql"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueryError(f"no query named {name!r} (looked for {path})") from None


def load_query(name: str, engine: str = DEFAULT_ENGINE) -> str:
    """The text of statement ``name`` (``metrics/hourly``, ``tables/mentions``) for ``engine``."""
    _check_name(name)
    return _read(str(sql_root()), name, engine)


def query_parameters(sql: str) -> set[str]:
    """The ``$name`` parameters a statement uses (comments ignored)."""
    return set(_PARAM_RE.findall(_COMMENT_RE.sub("", sql)))


@dataclass(frozen=True)
class Statement:
    """One SQL file and what its header says about it."""

    name: str  # folder/stem: tables/mention_answers.thread
    provides: str
    depends: tuple[str, ...]
    when: dict[str, str] = field(default_factory=dict)
    refines: str | None = None


def parse_header(name: str, sql: str) -> Statement:
    """The header lines of ``sql`` (the file ``name``) as a Statement; QueryError without a
    ``-- depends:`` line."""
    found: dict[str, str] = {}
    for key, value in _HEADER_RE.findall(sql):
        if key in found:
            raise QueryError(f"{name}: two '-- {key}:' lines")
        found[key] = value.strip()
    if "depends" not in found:
        raise QueryError(f"{name}: no '-- depends:' line (write '-- depends: none' if it reads nothing)")
    deps = tuple(d.strip() for d in found["depends"].split(",") if d.strip())
    if deps == ("none",):
        deps = ()
    when = {}
    for cond in filter(None, (c.strip() for c in found.get("when", "").split(","))):
        key, sep, value = cond.partition("=")
        if not sep:
            raise QueryError(f"{name}: '-- when: {cond}' is not key=value")
        when[key.strip()] = value.strip()
    stem = name.rsplit("/", 1)[-1]
    return Statement(name=name, provides=found.get("provides") or stem.split(".", 1)[0], depends=deps,
                     when=when, refines=found.get("refines") or None)


def statement(name: str, engine: str = DEFAULT_ENGINE) -> Statement:
    """``name``'s header, as ``engine`` runs it: its dependencies from the engine's text, the
    ``-- when:`` choice from the shared file (an engine's text may serve several alternatives)."""
    s = parse_header(name, load_query(name, engine))
    if engine != DEFAULT_ENGINE:
        s = replace(s, when=parse_header(name, load_query(name)).when)
    return s


def statement_names(folder: str) -> list[str]:
    """The statements of a folder (``tables``, ``metrics``, ...), sorted by name."""
    _check_name(folder)
    return sorted(f"{folder}/{p.stem}" for p in (sql_root() / folder).glob("*.sql"))


def all_statement_names() -> list[str]:
    """Every SQL file of kwo (the engines' own folders too) as a name relative to sql_root()."""
    root = sql_root()
    return sorted(p.relative_to(root).with_suffix("").as_posix() for p in root.rglob("*.sql"))


def choices(folder: str = "tables") -> dict[str, tuple[str, ...]]:
    """The ``-- when:`` keys of a folder and the values its files offer for each."""
    out: dict[str, set[str]] = {}
    for name in statement_names(folder):
        for key, value in statement(name).when.items():
            out.setdefault(key, set()).add(value)
    return {k: tuple(sorted(v)) for k, v in sorted(out.items())}


def build_order(folder: str = "tables", chosen: dict[str, str] | None = None,
                engine: str = DEFAULT_ENGINE, given: tuple[str, ...] = ()) -> list[str]:
    """The statements of ``folder`` that ``chosen`` selects, each after what it depends on.
    ``given``: names an earlier step made (the ingest merge builds in two folders, one after the other).

    A file with ``-- when:`` conditions is selected when every condition holds; exactly one
    selected file may provide a name. Raises QueryError for an unknown choice, a name two
    selected files provide, a dependency nothing provides, or a cycle."""
    chosen = chosen or {}
    offered = choices(folder)
    for key, value in chosen.items():
        if key not in offered or value not in offered[key]:
            raise QueryError(f"{folder}: no alternative for {key}={value} (offered: {offered})")
    selected = [s for s in (statement(n, engine) for n in statement_names(folder))
                if all(chosen.get(k) == v for k, v in s.when.items())]
    creator: dict[str, str] = {}
    refiners: dict[str, list[str]] = {}
    for s in selected:
        if s.refines:
            refiners.setdefault(s.refines, []).append(s.name)
        elif s.provides in creator:
            raise QueryError(f"{folder}: {creator[s.provides]} and {s.name} both provide {s.provides} "
                             f"for {chosen} (a '-- when:' line missing?)")
        else:
            creator[s.provides] = s.name
    before: dict[str, set[str]] = {s.name: set() for s in selected}
    for s in selected:
        for dep in s.depends:
            if dep not in creator:
                if dep in EXTERNAL or dep in given:
                    continue
                raise QueryError(f"{s.name} depends on {dep}, which no selected file provides ({chosen})")
            before[s.name].add(creator[dep])
            if dep != s.refines:  # a refiner reads what it refines; the others read it refined
                before[s.name].update(refiners.get(dep, ()))
        before[s.name].discard(s.name)
    # Kahn's algorithm, always taking the smallest name that is ready: stable and deterministic.
    after: dict[str, list[str]] = {n: [] for n in before}
    for n, deps in before.items():
        for d in deps:
            after[d].append(n)
    waiting = {n: len(d) for n, d in before.items()}
    ready = [n for n, k in waiting.items() if k == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        n = heapq.heappop(ready)
        order.append(n)
        for m in after[n]:
            waiting[m] -= 1
            if waiting[m] == 0:
                heapq.heappush(ready, m)
    if len(order) != len(before):
        stuck = sorted(n for n, k in waiting.items() if k > 0)
        raise QueryError(f"{folder}: the '-- depends:' lines of {', '.join(stuck)} form a cycle")
    return order


def provided(folder: str = "tables") -> tuple[str, ...]:
    """Every name the files of ``folder`` create (whatever the choices), sorted."""
    return tuple(sorted({s.provides for s in map(statement, statement_names(folder)) if not s.refines}))
