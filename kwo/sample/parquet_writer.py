"""``kwo sample --format parquet``: the synthetic archive written straight to a kwo archive.

The JSON path spends nearly all its time encoding JSON that ``kwo ingest`` then decodes again;
at 100 million tweets that is hours. This module renders the same tweets column by column
(numpy index arithmetic and Arrow string kernels, no Python per tweet) into the month Parquet
parts and ``manifest.json`` that ingest would have written, with ``brands.csv`` and
``truth.json`` beside them, so ``OUT`` is itself the archive::

    kwo sample --out OUT --tweets 10000000 --format parquet
    kwo report --archive OUT --brands OUT/brands.csv

Up to :data:`SHARD_TWEETS` mention tweets the world is drawn exactly as for the dump formats
(same seed, same tweets): the archive equals the one ``kwo ingest`` makes of the ``--format v1``
files, row for row (only ``source_file`` differs: it names the v1 file the tweet would be in),
and truth.json has the same figures. Above it the archive is drawn in shards of at most
SHARD_TWEETS mention tweets, one after the other, so memory stays bounded whatever the size:
each shard is a full world of its own (its share of every planned count, its own customers,
the same brands), writes its own part of each month, and adds its figures to truth.json. Shard
tweet ids are distinct by construction (see ``WorldGenerator.low_bits``); customers are drawn per shard,
so a customer id or handle may recur in another shard (no figure depends on customers).
Medians and p90s over all shards come from exact histograms of the response seconds.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..archive import MANIFEST, Archive, Manifest
from ..archive.layout import QUARANTINE_DIR, TWEETS_DIR
from ..archive.parts import ROW_GROUP_ROWS, fsync_file, parquet_writer
from ..errors import KwoError, OutputError, UsageError
from ..ingest.results import FileResult
from ..schema import MENTION_TYPE, TWEET_SCHEMA
from .files import SampleResult, plan_files, previous_files, refuse_inside_archive, write_roster, write_text
from .plan import (
    C1,
    C2,
    DEFAULT_BRANDS,
    DEFAULT_SEED,
    DEFAULT_TWEETS,
    DEL,
    F1,
    F2,
    MAX_BRANDS,
    MP,
    PP,
    RDUP,
    RSELF,
    RT,
    XR,
    P,
    Plan,
    R,
    X,
    plan_counts,
)
from .truth import ExactResponses, add_figures, count_figures, r3, truth_json
from .vocabulary import (
    ANSWERS,
    C_B2B,
    C_FOLLOWUP,
    C_FOLLOWUP2,
    C_MENTION,
    C_TWO,
    EMOJI,
    SECTORS,
    SOURCES_BRAND,
    SOURCES_CUSTOMER,
    T_ANSWER_EXTRA,
    T_BRAND_TO_BRAND_REPLY,
    T_PARENT_MISSING,
    T_PROACTIVE,
    T_PROACTIVE_PARENT,
    T_THREAD,
)
from .world import World, WorldGenerator, finish_events

#: The largest world drawn at once (about 1.3 GB RSS while it is drawn; the default KWO16 size
#: fits); larger archives are sharded.
SHARD_TWEETS = 1_600_000
FORMAT = "parquet"


# ---------------------------------------------------------------------------------------------
# Rendering: the string tables of one world, then whole columns by index arithmetic


def _cat(*parts: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _take(table: pa.Array, idx: np.ndarray) -> pa.Array:
    return table.take(pa.array(idx, type=pa.int64()))


class _Render:
    """Every distinct string piece of one world's tweets, as Arrow arrays to ``take`` from.

    The pieces are those the v1 writer (``json_writers._V1Writer`` / ``json_writers._Texts``) glues together
    per tweet; here they are glued per column. tests/test_sample_parquet.py checks the result
    against the ingested v1 files.
    """

    def __init__(self, world: World):
        acc = world.acc
        brands = world.brands
        self.k = k = len(brands)
        n_acc = len(acc.ids)
        self.sector = np.array([SECTORS.index(b.sector) for b in brands])
        self.ids = pa.array(acc.ids, pa.string())
        self.handles_low = pa.array([h.lower() for h in acc.handles], pa.string())
        # "@handle", and "" at index n_acc for an empty mention slot
        self.at = pa.array([f"@{h}" for h in acc.handles] + [""], pa.string())
        self.at_len = np.array([len(h) + 1 for h in acc.handles] + [0], dtype=np.int64)
        self.none = n_acc
        self.greet = pa.array([" "] + [f" Hoi {f}, " if f else " " for f in acc.first_names], pa.string())
        self.has_first = np.array([bool(f) for f in acc.first_names])

        # Mention templates (kinds C1, C2, F1, F2, X): pre @a mid [@b post]
        pre, mid, post = [], [], []
        self.tpl_base: dict = {}

        def add_templates(key, compiled) -> None:
            self.tpl_base[key] = len(pre)
            for parts in compiled:
                assert parts[1] == 0 and (len(parts) == 3 or parts[3] == 1), parts
                pre.append(parts[0])
                mid.append(parts[2])
                post.append(parts[4] if len(parts) == 5 else "")

        for si, s in enumerate(SECTORS):
            add_templates((C1, si), C_MENTION[s])
        add_templates(C2, C_TWO)
        add_templates(F1, C_FOLLOWUP)
        add_templates(F2, C_FOLLOWUP2)
        add_templates(X, C_B2B)
        self.c1_base = np.array([self.tpl_base[(C1, si)] for si in range(len(SECTORS))])
        self.pre, self.mid, self.post = (pa.array(x, pa.string()) for x in (pre, mid, post))
        self.pre_len = np.array([len(x) for x in pre])
        self.mid_len = np.array([len(x) for x in mid])

        # Signatures: flattened per brand; suffixes of mention texts: an emoji, or " ^SIG" (kind X)
        self.sig_base = np.cumsum([0] + [len(b.agents) for b in brands])[:-1]
        sigs = [a for b in brands for a in b.agents]
        self.sig = pa.array([f" {a}" for a in sigs], pa.string())
        self.suffix = pa.array(list(EMOJI) + [f" {a}" for a in sigs], pa.string())

        # Reply bodies (R by sector and tone, and the other reply kinds), lower and upper case
        bodies: list[str] = []
        self.body_base: dict = {}
        for si, s in enumerate(SECTORS):
            for tone, options in enumerate(ANSWERS[s]):
                self.body_base[(R, si, tone)] = len(bodies)
                bodies.extend(options)
        for kind, options in ((RDUP, T_ANSWER_EXTRA), (P, T_PROACTIVE), (RSELF, T_THREAD),
                              (MP, T_PARENT_MISSING), (XR, T_BRAND_TO_BRAND_REPLY)):
            self.body_base[kind] = len(bodies)
            bodies.extend(options)
        self.n_bodies = len(bodies)
        self.bodies = pa.array(bodies + [b[0].upper() + b[1:] for b in bodies], pa.string())
        self.r_base = np.array([[self.body_base[(R, si, tone)] for tone in range(4)]
                                for si in range(len(SECTORS))])

        # Proactive parents: by brand, template and emoji or not
        n_pp = len(T_PROACTIVE_PARENT)
        pp = []
        for b in brands:
            tag = b.name.replace(" ", "")
            for tpl, text in enumerate(T_PROACTIVE_PARENT):
                text = text.format(name=b.name, tag=tag)
                pp += [text, text + EMOJI[1 + tpl % (len(EMOJI) - 1)]]
        self.pp = pa.array(pp, pa.string())
        self.n_pp = n_pp
        self.sources = pa.array([n for _, n in SOURCES_CUSTOMER] + [n for _, n in SOURCES_BRAND], pa.string())
        self.n_src_c = len(SOURCES_CUSTOMER)
        assert k <= n_acc

    def mention_texts(self, kind, tpl, m1, m2, deco, author, agent) -> tuple[pa.Array, np.ndarray, np.ndarray]:
        """Texts of mention-kind rows, with the end offsets of their first and second mention."""
        base = np.select([kind == C1, kind == C2, kind == F1, kind == F2],
                         [self.c1_base[self.sector[np.clip(m1, 0, self.k - 1)]], self.tpl_base[C2],
                          self.tpl_base[F1], self.tpl_base[F2]], self.tpl_base[X])
        t = base + tpl
        two = kind == C2
        slot2 = np.where(two, m2, self.none)
        is_x = kind == X
        suffix = np.where(is_x, len(EMOJI) + self.sig_base[np.where(is_x, author, 0)] + agent, deco)
        text = _cat(_take(self.pre, t), _take(self.at, m1), _take(self.mid, t), _take(self.at, slot2),
                    _take(self.post, t), _take(self.suffix, suffix))
        e1 = self.pre_len[t] + self.at_len[m1]
        e2 = e1 + self.mid_len[t] + self.at_len[slot2]
        return text, e1, e2

    def reply_texts(self, kind, tpl, m1, aux, deco, author, agent) -> pa.Array:
        """``@customer [Hoi Name, ]body ^SIG`` of the brand-reply kinds (R, RDUP, P, RSELF, MP, XR)."""
        base = np.zeros(len(kind), dtype=np.int64)
        is_r = kind == R
        base[is_r] = self.r_base[self.sector[author[is_r]], aux[is_r]]
        for kd in (RDUP, P, RSELF, MP, XR):
            base[kind == kd] = self.body_base[kd]
        hoi = (deco != 0) & self.has_first[m1]
        body = base + tpl + np.where(hoi, 0, self.n_bodies)
        greet = np.where(hoi, m1 + 1, 0)
        return _cat(_take(self.at, m1), _take(self.greet, greet), _take(self.bodies, body),
                    _take(self.sig, self.sig_base[author] + agent))


def _tweets_table(world: World, r: _Render, a: int, b: int, source_file: str) -> pa.Table:
    """The collected tweets among rows [a, b) of the world, in TWEET_SCHEMA (stream notices are
    not tweets: a Parquet archive has no place for them)."""
    ev = world.ev
    sel = a + np.flatnonzero(ev["kind"][a:b] < DEL)
    n = len(sel)
    col = {c: ev[c][sel] for c in ("kind", "t", "tid", "author", "m1", "m2", "aux", "tpl", "agent", "deco", "src",
                                    "ptid", "pauthor")}
    kind = col["kind"].astype(np.int64)
    author = col["author"].astype(np.int64)
    m1 = col["m1"].astype(np.int64)
    m2 = col["m2"].astype(np.int64)
    aux, tpl = col["aux"], col["tpl"].astype(np.int64)
    agent, deco = col["agent"].astype(np.int64), col["deco"].astype(np.int64)

    is_mention = (kind <= X) | (kind == F1) | (kind == F2)
    is_reply = (kind == R) | (kind == RDUP) | (kind == P) | (kind == RSELF) | (kind == MP) | (kind == XR)
    is_rt = kind == RT
    is_pp = kind == PP
    text = pa.nulls(n, pa.string())
    # Mentions: up to three accounts a row (a retweet: its author and the original's mentions).
    ments = np.full((n, 3), -1, dtype=np.int64)

    idx = np.flatnonzero(is_mention)
    if len(idx):
        tx, _, _ = r.mention_texts(kind[idx], tpl[idx], m1[idx], m2[idx], deco[idx], author[idx], agent[idx])
        text = _put(text, idx, tx)
        ments[idx, 0] = m1[idx]
        ments[idx, 1] = np.where(kind[idx] == C2, m2[idx], -1)
    idx = np.flatnonzero(is_reply)
    if len(idx):
        text = _put(text, idx, r.reply_texts(kind[idx], tpl[idx], m1[idx], aux[idx], deco[idx], author[idx],
                                             agent[idx]))
        ments[idx, 0] = m1[idx]
    idx = np.flatnonzero(is_pp)
    if len(idx):
        text = _put(text, idx, _take(r.pp, (aux[idx] * r.n_pp + tpl[idx]) * 2 + (deco[idx] != 0)))
    idx = np.flatnonzero(is_rt)
    if len(idx):
        o = aux[idx]  # the original: a customer mention anywhere in the world
        okind = ev["kind"][o].astype(np.int64)
        oauthor = ev["author"][o].astype(np.int64)
        om1, om2 = ev["m1"][o].astype(np.int64), ev["m2"][o].astype(np.int64)
        otext, e1, e2 = r.mention_texts(okind, ev["tpl"][o].astype(np.int64), om1, om2,
                                        ev["deco"][o].astype(np.int64), oauthor, ev["agent"][o].astype(np.int64))
        full = _cat(_const("RT ", len(idx)), _take(r.at, oauthor), _const(": ", len(idx)), otext)
        long = pc.greater(pc.utf8_length(full), 140)  # code points, like len() in the v1 writer
        cut = _cat(pc.utf8_slice_codeunits(full, 0, 139), _const("…", len(idx)))
        text = _put(text, idx, pc.if_else(long, cut, full))
        off = r.at_len[oauthor] + 5  # len("RT @h: ")
        ments[idx, 0] = oauthor
        ments[idx, 1] = np.where(e1 + off <= 139, om1, -1)
        ments[idx, 2] = np.where((okind == C2) & (e2 + off <= 139), om2, -1)

    has_m = ments >= 0
    offsets = np.concatenate([[0], np.cumsum(has_m.sum(axis=1))]).astype(np.int32)
    flat = ments[has_m]
    mentions = pa.ListArray.from_arrays(
        pa.array(offsets), pa.StructArray.from_arrays([_take(r.ids, flat), _take(r.handles_low, flat)],
                                                      fields=list(MENTION_TYPE)))
    ptid = col["ptid"]
    replied = ptid != 0
    pauthor = np.where(replied, col["pauthor"], 0).astype(np.int64)
    retweet_of = np.where(is_rt, ev["tid"][np.maximum(aux, 0)], 0)
    src = np.where(author < r.k, r.n_src_c + col["src"], col["src"]).astype(np.int64)
    arrays = [
        pa.array(col["tid"], pa.int64()),
        pa.array(col["t"] * 1000, pa.int64()).cast(pa.timestamp("ms", tz="UTC")),
        _take(r.ids, author),
        _take(r.handles_low, author),
        text,
        pa.array(ptid, pa.int64(), mask=~replied),
        _null_where(_take(r.ids, pauthor), replied),
        _null_where(_take(r.handles_low, pauthor), replied),
        pa.nulls(n, pa.int64()),
        pa.array(retweet_of, pa.int64(), mask=~is_rt),
        pa.nulls(n, pa.int64()),
        pa.array(is_rt),
        mentions,
        _const("nl", n),
        _take(r.sources, src),
        pa.nulls(n, pa.bool_()),
        pa.array(np.ones(n, dtype=bool)),
        _const(source_file, n),
    ]
    return pa.Table.from_arrays(arrays, schema=TWEET_SCHEMA)


def _const(value: str, n: int) -> pa.Array:
    return pa.array([value], pa.string()).take(pa.array(np.zeros(n, dtype=np.int64)))


def _put(target: pa.Array, idx: np.ndarray, values: pa.Array) -> pa.Array:
    """``target`` with ``values`` at the positions ``idx`` (sorted, distinct)."""
    mask = np.zeros(len(target), dtype=bool)
    mask[idx] = True
    # replace_with_mask takes the replacements in order of the true positions
    return pc.replace_with_mask(target, pa.array(mask), values.cast(pa.string()))


def _null_where(values: pa.Array, keep: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(keep), values, pa.nulls(len(values), values.type))


# ---------------------------------------------------------------------------------------------
# Response times over shards: exact histograms of whole seconds


class _RespHist:
    """Response seconds of the answered pairs, by group, summed over shards.

    Seconds below 2**18 (about 73 hours) go to dense per-group counts, the rarer longer ones are
    kept as values; order statistics then come out exactly as numpy finds them on the full array
    (the same interpolation), so truth.json does not depend on how the archive was sharded.
    """

    DENSE = 1 << 18

    def __init__(self, k: int):
        self.base = {"total": 0, "hour": 1, "brand": 25, "sector": 25 + k}
        self.groups = 25 + k + len(SECTORS)
        self.dense = np.zeros(self.groups * self.DENSE, dtype=np.int32)
        self.tails: list[np.ndarray] = []
        self.tail: np.ndarray | None = None
        self.n = 0
        self.minutes_sum = 0.0

    def add(self, minutes, seconds, hour, brand, sector) -> None:
        self.n += len(seconds)
        self.minutes_sum += float(minutes.sum())
        small = seconds < self.DENSE
        zeros = np.zeros(len(seconds), dtype=np.int64)
        for name, labels in (("total", zeros), ("hour", hour), ("brand", brand), ("sector", sector)):
            g = self.base[name] + labels.astype(np.int64)
            keys, counts = np.unique(g[small] * self.DENSE + seconds[small], return_counts=True)
            self.dense[keys] += counts.astype(np.int32)
            self.tails.append((g[~small] << 32) + seconds[~small])
        self.tail = None

    def _values(self, group: str, i: int):
        if self.tail is None:
            self.tail = np.sort(np.concatenate(self.tails)) if self.tails else np.zeros(0, dtype=np.int64)
        g = self.base[group] + i
        cum = np.cumsum(self.dense[g * self.DENSE:(g + 1) * self.DENSE], dtype=np.int64)
        lo, hi = np.searchsorted(self.tail, [g << 32, (g + 1) << 32])
        tail = self.tail[lo:hi] & 0xFFFFFFFF
        n_dense = int(cum[-1])

        def at(p: int) -> float:  # the p-th smallest response, in minutes as truth.count_figures has them
            sec = int(np.searchsorted(cum, p, side="right")) if p < n_dense else int(tail[p - n_dense])
            return sec * 1000 / 60000.0

        return n_dense + len(tail), at

    def stats(self, group: str, i: int = 0) -> tuple:
        n, at = self._values(group, i)
        if not n:
            return None, None
        median = at(n // 2) if n % 2 else float(np.mean(np.array([at(n // 2 - 1), at(n // 2)])))
        return r3(median), r3(_percentile(n, at, 0.9))

    def mean(self):
        return r3(self.minutes_sum / self.n) if self.n else None


def _percentile(n: int, at: Callable[[int], float], q: float) -> float:
    """numpy's linear percentile (method 7) from order statistics: same index and interpolation."""
    virtual = n * q + (1 + q * (1 - 1 - 1)) - 1
    if virtual >= n - 1:
        return at(n - 1)
    if virtual < 0:
        return at(0)
    prev = math.floor(virtual)
    gamma = virtual - prev
    a, b = at(prev), at(prev + 1)
    diff = b - a
    return b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma


# ---------------------------------------------------------------------------------------------
# Shards


_PLAN_FIELDS = ("double", "brand_to_brand", "brand_to_brand_answered", "followups", "followups2",
                "answered_roots", "answered_followups", "answered_followups2", "proactive", "parent_missing",
                "retweets")


def split_plan(plan: Plan, shards: int) -> list[Plan]:
    """The plan cut into ``shards`` plans that add up to it exactly, field by field (largest
    remainders), so the sharded archive has exactly the planned totals."""
    n = plan.tweets
    sizes = [n // shards + (j < n % shards) for j in range(shards)]
    cols: dict[str, list[int]] = {}
    for name in _PLAN_FIELDS:
        total = getattr(plan, name)
        exact = [total * s for s in sizes]
        alloc = [e // n for e in exact]
        order = sorted(range(shards), key=lambda j: (-(exact[j] % n), j))
        for j in order[:total - sum(alloc)]:
            alloc[j] += 1
        cols[name] = alloc
    plans = []
    for j, size in enumerate(sizes):
        f = {name: cols[name][j] for name in _PLAN_FIELDS}
        single = size - f["double"] - f["brand_to_brand"] - f["brand_to_brand_answered"] - f["followups"] - f["followups2"]
        p = replace(plan, tweets=size, single=single, customers=size // 3 + 500, **f)
        roots = p.single + p.double
        assert (0 <= p.followups <= p.answered_roots <= roots and p.followups2 <= p.answered_followups
                and p.brand_to_brand_answered <= p.brand_to_brand and p.mention_tweets == size), p
        plans.append(p)
    return plans


# ---------------------------------------------------------------------------------------------
# The archive


#: The paths this writer gives its parts (seed, then the shard of a sharded archive) and their
#: temporary files: the only files it removes when it writes OUT again.
_OWN_PART = re.compile(rf"{TWEETS_DIR}/month=\d{{4}}-\d{{2}}/part-sample--?\d+(?:-\d{{4}})?\.parquet(?:\.tmp)?")


def _earlier_parts(out_dir: Path) -> list[str]:
    """The files an earlier run of this writer left in OUT's tweets/, known by their names. Raises,
    naming it, on anything else in tweets/ or quarantine/ (this writer writes no quarantine files)
    before anything is changed: kwo removes only what it wrote."""
    own: list[str] = []
    foreign: list[str] = []
    for folder in (TWEETS_DIR, QUARANTINE_DIR):
        top = out_dir / folder
        if not os.path.lexists(top):
            continue
        if top.is_symlink() or not top.is_dir():
            foreign.append(folder)
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            here = Path(dirpath)
            for name in [*filenames, *(d for d in dirnames if (here / d).is_symlink())]:
                rel = (here / name).relative_to(out_dir).as_posix()
                ours = _OWN_PART.fullmatch(rel) is not None and not (here / name).is_symlink()
                (own if ours else foreign).append(rel)
    if foreign:
        more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
        raise OutputError(f"--out {out_dir}: holds {foreign[0]}{more}, which kwo sample did not write; --format "
                          "parquet replaces only the parts of an earlier sample archive and has changed nothing: "
                          "move those files away or choose a new or empty directory")
    return own


def _remove_parts(out_dir: Path, rels: list[str]) -> None:
    for rel in rels:
        (out_dir / rel).unlink(missing_ok=True)
    for month in sorted({(out_dir / rel).parent for rel in rels}):
        try:
            month.rmdir()  # a month this run may not write again
        except OSError:
            pass  # not empty: left as it is


def _check_out(out_dir: Path) -> None:
    """OUT may be new, a folder of sample files, or an archive an earlier ``--format parquet``
    run wrote; never an archive with ingested data in it (its parts would be replaced)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir}: exists and is not a directory")
    refuse_inside_archive(out_dir, except_itself=True)
    if (out_dir / MANIFEST).exists():
        manifest = Archive(out_dir).read_manifest()
        if any(f.get("format") != "sample" for f in manifest.files):
            raise UsageError(f"--out {out_dir}: is a kwo archive with ingested files; --format parquet writes a new "
                             "archive: choose a new or empty directory")


def _write_part(root: Path, rel: str, table: pa.Table) -> int:
    """One month part, as ingest writes them (its writer settings and row groups), atomically."""
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = root / (rel + ".tmp")
    writer = parquet_writer(tmp)
    writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
    writer.close()
    fsync_file(tmp)
    os.replace(tmp, target)
    return target.stat().st_size


def generate_parquet(
    out: str | os.PathLike,
    *,
    tweets: int = DEFAULT_TWEETS,
    seed: int = DEFAULT_SEED,
    brands: int = DEFAULT_BRANDS,
    progress: Callable[[str], None] | None = None,
) -> SampleResult:
    """Write the synthetic archive as a kwo archive in ``out`` (month parts, manifest.json),
    with ``brands.csv`` and ``truth.json``; see the module docstring."""
    if not 2 <= brands <= MAX_BRANDS:
        raise UsageError(f"--brands must be between 2 and {MAX_BRANDS} (got {brands})")
    plan = plan_counts(tweets)
    say = progress or (lambda msg: None)
    started = time.perf_counter()
    out_dir = Path(out)
    _check_out(out_dir)
    earlier = _earlier_parts(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KwoError(f"--out {out_dir}: cannot create the directory: {exc.strerror or exc}") from None
    old_files = previous_files(out_dir)
    # An earlier sample archive here: its parts go (the manifest is replaced below).
    _remove_parts(out_dir, earlier)

    shards = math.ceil(tweets / SHARD_TWEETS)
    plans = [plan] if shards == 1 else split_plan(plan, shards)
    resp = ExactResponses() if shards == 1 else _RespHist(brands)
    figs = None
    parts: list[dict] = []
    files_info: list[dict] = []
    roster_world = None
    try:
        for j, shard_plan in enumerate(plans):
            say(f"shard {j + 1}/{shards}: drawing {shard_plan.tweets:,} mention tweets" if shards > 1
                else "planning the year")
            gen = WorldGenerator(shard_plan, brands, seed, shard=None if shards == 1 else (j, shards))
            ev = finish_events(gen, gen.run(), "v1")
            world = World(plan=shard_plan, fmt="v1", seed=seed, brands=gen.brands, acc=gen.acc, ev=ev)
            render = _Render(world)
            suffix = "" if shards == 1 else f"-{j:04d}"
            for name, a, b in plan_files(world, compress=True):
                month = name.removeprefix("tweets-")[:7]
                table = _tweets_table(world, render, a, b, name)
                rel = f"{TWEETS_DIR}/month={month}/part-sample-{seed}{suffix}.parquet"
                size = _write_part(out_dir, rel, table)
                parts.append({"path": rel, "month": month, "rows": table.num_rows})
                files_info.append({"name": rel, "records": table.num_rows, "tweets": table.num_rows,
                                   "notices": 0, "bytes": size})
            figs = add_figures(figs, count_figures(world, gen.clock, gen.open_mask, resp))
            if roster_world is None:
                roster_world = World(plan=plan, fmt="v1", seed=seed, brands=gen.brands, acc=gen.acc, ev={})
            del gen, ev, world, render
    except OSError as exc:
        raise KwoError(f"--out {out_dir}: cannot write: {exc.strerror or exc}") from None

    truth = truth_json(figs, resp, roster_world.brands, seed, tweets, FORMAT)
    rows = sum(p["rows"] for p in parts)
    truth["archive"] = {"files": files_info, "records": rows, "tweets": rows, "notices": 0,
                        "roster": "brands.csv", "manifest": MANIFEST}
    write_roster(out_dir / "brands.csv", roster_world)
    write_text(out_dir / "truth.json", json.dumps(truth, indent=1, ensure_ascii=False) + "\n")
    params = {"tweets": tweets, "seed": seed, "brands": brands, "generator": truth["generator"]}
    entry = FileResult(
        path=f"kwo sample --tweets {tweets} --seed {seed} --brands {brands} --format parquet", format="sample",
        sha256="sample:" + hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest(),
        records_read=rows, tweets_written=rows,
    ).to_manifest()
    Archive(out_dir, must_exist=False).write_manifest(Manifest(files=[entry], parts=parts))
    for stale in old_files - {"brands.csv", "truth.json"}:  # dump files of an earlier sample run
        (out_dir / stale).unlink(missing_ok=True)
    return SampleResult(out=out_dir, files=[out_dir / p["path"] for p in parts], truth=truth,
                          seconds=time.perf_counter() - started)
