"""truth.json: the section 3 definitions (DESIGN.md) applied to what was generated, with numpy
(not kwo's queries), and checked against the plan."""

from __future__ import annotations

import re

import numpy as np

from ..errors import KwoError
from .arrays import run_starts, sorted_member, sorted_unique
from .brands import SampleBrand
from .clock import Clock
from .plan import (
    BUCKET_EDGES,
    BUCKETS,
    C1,
    C2,
    DEL,
    F1,
    F2,
    KIND_NAMES,
    KWO16_ANSWERED_PCT,
    KWO16_MENTION_TWEETS,
    KWO16_PEAK_HOUR,
    KWO16_PROACTIVE,
    MP,
    RDUP,
    RSELF,
    RT,
    TZ_NAME,
    XR,
    YEAR,
    P,
    R,
    X,
)
from .vocabulary import (
    H_ANSWERS,
    H_B2B_REPLY,
    H_EXTRA,
    H_PARENT_MISSING,
    H_PROACTIVE,
    H_THREAD,
    Q_B2B,
    Q_B2B_REPLY,
    Q_FOLLOWUP,
    Q_FOLLOWUP2,
    Q_MENTION,
    Q_TWO,
    SECTORS,
    SIGNATURES_READ_AS_HANDOFF,
)
from .world import World

# ---------------------------------------------------------------------------------------------
# truth.json: the section 3 definitions applied to what was generated


def r3(x):
    """Floats as the JSON report writes them (3 decimals); None stays None."""
    return None if x is None else round(float(x), 3)


def _pct(a, b):
    return r3(100.0 * a / b) if b else None


def _median(x: np.ndarray):
    return r3(np.median(x)) if len(x) else None


def _p90(x: np.ndarray):
    return r3(np.percentile(x, 90)) if len(x) else None  # linear, like DuckDB's quantile_cont


#: The signature rule of docs/methodology.md ("Agents"), written again here for a signature as the
#: generator appends it (" ^JK" after the body): kwo's SQL must recover these, not borrow them.
_SIGNATURE = re.compile(r"\^[A-Za-zÀ-ÖØ-öø-ÿ]{1,4}|[-~/][A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]{1,14}")


def is_signature(text: str) -> bool:
    return _SIGNATURE.fullmatch(text) is not None


def _agent_index(brands: list[SampleBrand]) -> tuple[np.ndarray, int]:
    """The first flattened agent index of each brand, and the number of agents in all."""
    sizes = [len(b.agents) for b in brands]
    return np.cumsum([0] + sizes)[:-1], sum(sizes)


def _generator_info() -> dict:
    """What the bytes depend on besides the options: numpy's random streams and isal's deflate."""
    from importlib.metadata import PackageNotFoundError, version

    from ..version import __version__

    info = {"name": "kwo sample", "kwo": __version__, "numpy": np.__version__}
    try:
        info["isal"] = version("isal")
    except PackageNotFoundError:  # pragma: no cover
        info["isal"] = None
    return info


def truth_of(world: World, clock: Clock, open_mask: np.ndarray) -> dict:
    """The figures of DESIGN.md section 3, counted on the generated tweets (not by kwo's queries),
    in the layout of ``kwo report --format json``; checked against the plan."""
    resp = ExactResponses()
    figs = count_figures(world, clock, open_mask, resp)
    return truth_json(figs, resp, world.brands, world.seed, world.plan.tweets, world.fmt)


class ExactResponses:
    """Response times of the answered pairs, kept whole: medians and p90s straight from numpy."""

    def add(self, minutes: np.ndarray, seconds: np.ndarray, hour: np.ndarray, brand: np.ndarray,
            sector: np.ndarray) -> None:
        self.minutes, self.hour, self.brand, self.sector = minutes, hour, brand, sector

    def stats(self, group: str, i: int = 0) -> tuple:
        m = self.minutes
        if group != "total":
            m = m[{"hour": self.hour, "brand": self.brand, "sector": self.sector}[group] == i]
        return _median(m), _p90(m)

    def mean(self):
        return r3(self.minutes.mean()) if len(self.minutes) else None


# Figures that add up over the shards of a large archive (kwo.sample.parquet_writer).
_ADDITIVE = ("n_mentions", "n_answered", "per_hour", "ans_hour", "closed_hour", "pairs_hour", "wh_m", "wh_a",
             "buckets", "n_pairs", "n_ans_pairs", "per_brand", "ans_brand", "closed_brand", "brand_replies",
             "replies_to_mentions", "proactive_replies", "replies_parent_missing", "replies_to_self",
             "sector_mentions", "sector_answered", "sector_pairs", "sector_ans_pairs", "sector_proactive",
             "sector_missing", "kinds", "agent_replies", "agent_to_mention", "sector_signed",
             "n_questions", "n_questions_answered", "q_brand", "qa_brand", "sector_q", "sector_qa",
             "handoff_brand", "sector_handoff", "month_pairs", "month_ans_pairs")


def add_figures(a: dict | None, b: dict) -> dict:
    """The figures of two disjoint sets of tweets together (every count in them is additive)."""
    return dict(b) if a is None else {key: a[key] + b[key] for key in _ADDITIVE}


#: The months the trend counts: from January 2015 (a mention of 2016 late in a shard's draw is
#: never earlier) for three years (answers and follow-ups run into 2017).
MONTH0 = (2015 - 1970) * 12
N_MONTHS = 36


def _month_name(m: int) -> str:
    y, mo = divmod(MONTH0 + m, 12)
    return f"{1970 + y:04d}-{mo + 1:02d}"


def _padded(rows) -> np.ndarray:
    """Rows of booleans of unequal length as one array (False where a row is short)."""
    out = np.zeros((len(rows), max((len(r) for r in rows), default=0) or 1), dtype=bool)
    for i, r in enumerate(rows):
        out[i, :len(r)] = r
    return out


def text_marks(world: World) -> tuple[np.ndarray, np.ndarray]:
    """Which events are questions and which hand off to a private channel, from the templates the
    generator chose (kwo.sample.vocabulary's marks of its own texts), one boolean per event."""
    ev, brands = world.ev, world.brands
    kind, tpl, aux, author, m1 = ev["kind"], ev["tpl"].astype(np.int64), ev["aux"], ev["author"], ev["m1"]
    sector_of = np.array([SECTORS.index(b.sector) for b in brands])
    question = np.zeros(len(kind), dtype=bool)
    handoff = np.zeros(len(kind), dtype=bool)
    sel = np.flatnonzero(kind == C1)
    question[sel] = _padded([Q_MENTION[s] for s in SECTORS])[sector_of[m1[sel]], tpl[sel]]
    for kd, marks in ((C2, Q_TWO), (F1, Q_FOLLOWUP), (F2, Q_FOLLOWUP2), (X, Q_B2B), (XR, Q_B2B_REPLY)):
        sel = np.flatnonzero(kind == kd)
        question[sel] = np.array(marks, dtype=bool)[tpl[sel]]
    sel = np.flatnonzero(kind == R)
    answers = np.zeros((len(SECTORS), 4, max(len(t) for s in SECTORS for t in H_ANSWERS[s])), dtype=bool)
    for si, s in enumerate(SECTORS):
        for tone, marks in enumerate(H_ANSWERS[s]):
            answers[si, tone, :len(marks)] = marks
    handoff[sel] = answers[sector_of[author[sel]], aux[sel], tpl[sel]]
    for kd, marks in ((RDUP, H_EXTRA), (XR, H_B2B_REPLY), (P, H_PROACTIVE), (RSELF, H_THREAD),
                      (MP, H_PARENT_MISSING)):
        sel = np.flatnonzero(kind == kd)
        handoff[sel] = np.array(marks, dtype=bool)[tpl[sel]]
    # An agent's initials that read as PM, PB or DM (kwo.sample.vocabulary.SIGNATURES_READ_AS_HANDOFF)
    sig_base, n_sig = _agent_index(brands)
    if n_sig:
        read = np.array([a in SIGNATURES_READ_AS_HANDOFF for b in brands for a in b.agents], dtype=bool)
        sel = np.flatnonzero(np.isin(kind, (R, RDUP, XR, P, RSELF, MP)) & (author >= 0) & (author < len(brands)))
        handoff[sel] |= read[sig_base[author[sel]] + ev["agent"][sel].astype(np.int64)]
    return question, handoff


def count_figures(world: World, clock: Clock, open_mask: np.ndarray, resp) -> dict:
    """Count the section 3 figures of one world; the response times go to ``resp``."""
    ev, k, plan = world.ev, len(world.brands), world.plan
    kind, t, author, parent, m1, m2 = (ev[c] for c in ("kind", "t", "author", "parent", "m1", "m2"))
    sector_of = np.array([SECTORS.index(b.sector) for b in world.brands])
    tweet = kind < DEL  # everything but stream notices, all collected

    # Mention pairs: collected, not a retweet, mentions brand b, not by b.
    candidates = tweet & (kind != RT)
    pt_parts, pb_parts = [], []
    for m in (m1, m2):
        idx = np.flatnonzero(candidates & (m >= 0) & (m < k) & (m != author))
        pt_parts.append(idx)
        pb_parts.append(m[idx].astype(np.int64))
    pair_key = sorted_unique(np.concatenate(pt_parts) * k + np.concatenate(pb_parts))
    pt, pb = pair_key // k, pair_key % k

    # Earliest direct reply of each brand to each tweet.
    rep = tweet & (author >= 0) & (author < k) & (parent >= 0)
    rkey = parent[rep] * k + author[rep]
    rtime = t[rep]
    o = np.lexsort((rtime, rkey))
    rkey, rtime = rkey[o], rtime[o]
    first = run_starts(rkey)
    ukey, first_t = rkey[first], rtime[first]
    found = sorted_member(pair_key, ukey)
    pos = np.minimum(np.searchsorted(ukey, pair_key), max(len(ukey) - 1, 0))
    seconds = (first_t[pos] - t[pt])[found] if len(ukey) else np.zeros(0, dtype=np.int64)
    ans_min = seconds * 1000 / 60000.0

    # Mention tweets (pairs are sorted by tweet): answered when any pair is.
    tstart = np.flatnonzero(run_starts(pt))
    mt = pt[tstart]
    mt_answered = np.maximum.reduceat(found.astype(np.int8), tstart).astype(bool) if len(pt) else found
    local = clock.to_local(t[mt])
    mt_hour = (local // 3600) % 24
    mt_wday = (local // 86400 + 3) % 7  # Monday = 0
    pair_hour = np.repeat(mt_hour, np.diff(np.append(tstart, len(pt))))
    closed = ~open_mask[pb, clock.minute_of_week(t[pt])]

    # Brand replies by what their parent is.
    ridx = np.flatnonzero(tweet & (author >= 0) & (author < k) & ((parent >= 0) | (kind == MP)))
    rb = author[ridx]
    par = parent[ridx]
    missing = par < 0
    p_ok = np.maximum(par, 0)
    to_self = ~missing & (author[p_ok] == rb)
    to_mention = ~missing & ~to_self & ((m1[p_ok] == rb) | (m2[p_ok] == rb))
    proactive = ~missing & ~to_self & ~to_mention

    # Agents: every brand reply carries one of its brand's agents' signatures (kwo.sample.brands).
    sig_base, n_sig = _agent_index(world.brands)
    flat_agent = sig_base[rb] + ev["agent"][ridx].astype(np.int64)
    signs = np.array([is_signature(a) for b in world.brands for a in b.agents], dtype=bool)
    signed = signs[flat_agent] if n_sig else np.zeros(len(rb), dtype=bool)

    n_mentions, n_answered = len(mt), int(mt_answered.sum())
    expected = {"mention tweets": (n_mentions, plan.mention_tweets), "answered": (n_answered, plan.answered),
                "proactive replies": (int(proactive.sum()), plan.proactive),
                "replies_parent_missing": (int(missing.sum()), plan.parent_missing)}
    for what, (got, want) in expected.items():
        if got != want:  # pragma: no cover - a broken construction, never a user error
            raise KwoError(f"kwo sample: internal error: generated {got:,} {what}, planned {want:,}")

    resp.add(ans_min, seconds, pair_hour[found], pb[found], sector_of[pb[found]])
    cell = mt_wday * 24 + mt_hour
    n_s = len(SECTORS)
    pair_sector = sector_of[pb]
    # A mention tweet counts once in a sector however many of its brands are in it.
    ts_key = sorted_unique(pt * n_s + pair_sector)
    ts_ans = sorted_unique(pt[found] * n_s + pair_sector[found])
    rs = sector_of[rb]
    # The trend: mention pairs per brand and local calendar month (months since MONTH0).
    pair_month = (clock.to_local(t[pt]).astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
                  - MONTH0)
    if len(pair_month) and not (0 <= pair_month.min() and pair_month.max() < N_MONTHS):  # pragma: no cover
        raise KwoError("kwo sample: internal error: a mention outside the months the truth counts")
    bm = pb * N_MONTHS + pair_month
    question, handoff = text_marks(world)
    qp = question[pt]
    ts_q = question[ts_key // n_s]
    ts_qa = question[ts_ans // n_s]
    hr = handoff[ridx] & to_mention
    return {
        "month_pairs": np.bincount(bm, minlength=k * N_MONTHS),
        "month_ans_pairs": np.bincount(bm[found], minlength=k * N_MONTHS),
        "n_questions": int(question[mt].sum()), "n_questions_answered": int((question[mt] & mt_answered).sum()),
        "q_brand": np.bincount(pb[qp], minlength=k), "qa_brand": np.bincount(pb[qp & found], minlength=k),
        "sector_q": np.bincount(ts_key[ts_q] % n_s, minlength=n_s),
        "sector_qa": np.bincount(ts_ans[ts_qa] % n_s, minlength=n_s),
        "handoff_brand": np.bincount(rb[hr], minlength=k), "sector_handoff": np.bincount(rs[hr], minlength=n_s),
        "n_mentions": n_mentions, "n_answered": n_answered,
        "per_hour": np.bincount(mt_hour, minlength=24), "ans_hour": np.bincount(mt_hour[mt_answered], minlength=24),
        "closed_hour": np.bincount(pair_hour[closed], minlength=24), "pairs_hour": np.bincount(pair_hour, minlength=24),
        "wh_m": np.bincount(cell, minlength=168), "wh_a": np.bincount(cell[mt_answered], minlength=168),
        "buckets": np.bincount(np.searchsorted(BUCKET_EDGES / 60.0, ans_min, side="left"), minlength=7),
        "n_pairs": len(pair_key), "n_ans_pairs": int(found.sum()),
        "per_brand": np.bincount(pb, minlength=k), "ans_brand": np.bincount(pb[found], minlength=k),
        "closed_brand": np.bincount(pb[closed], minlength=k),
        "brand_replies": np.bincount(rb, minlength=k), "replies_to_mentions": np.bincount(rb[to_mention], minlength=k),
        "proactive_replies": np.bincount(rb[proactive], minlength=k),
        "replies_parent_missing": np.bincount(rb[missing], minlength=k),
        "replies_to_self": np.bincount(rb[to_self], minlength=k),
        "sector_mentions": np.bincount(ts_key % n_s, minlength=n_s),
        "sector_answered": np.bincount(ts_ans % n_s, minlength=n_s),
        "sector_pairs": np.bincount(pair_sector, minlength=n_s),
        "sector_ans_pairs": np.bincount(pair_sector[found], minlength=n_s),
        "sector_proactive": np.bincount(rs[proactive], minlength=n_s),
        "sector_missing": np.bincount(rs[missing], minlength=n_s),
        "kinds": np.bincount(kind, minlength=len(KIND_NAMES)),
        "agent_replies": np.bincount(flat_agent, minlength=n_sig),
        "agent_to_mention": np.bincount(flat_agent[to_mention], minlength=n_sig),
        "sector_signed": np.bincount(rs[signed], minlength=n_s),
    }


def _insights(questions, answered, handoffs, replies_to_mentions) -> dict:
    """The question and hand-off figures of a brand, a sector or the whole archive (methodology
    section 13): each reply has one author, so a sector's hand-offs are its brands' added up."""
    return {"question_tweets": int(questions), "questions_answered": int(answered),
            "questions_answered_pct": _pct(answered, questions),
            "dm_handoff_replies": int(handoffs), "dm_handoff_pct": _pct(handoffs, replies_to_mentions)}


def truth_json(figs: dict, resp, brand_list: list[SampleBrand], seed: int, tweets: int, fmt: str) -> dict:
    """truth.json from counted figures (one world's, or the sum over the shards of a large one)."""
    k = len(brand_list)
    sector_of = np.array([SECTORS.index(b.sector) for b in brand_list])
    n_mentions, n_answered = figs["n_mentions"], figs["n_answered"]
    per_hour, ans_hour = figs["per_hour"], figs["ans_hour"]
    peak = int(np.argmax(per_hour))  # the earlier hour on a tie
    hourly = []
    for h in range(24):
        med, p90 = resp.stats("hour", h)
        closed_h, pairs_h = figs["closed_hour"][h], figs["pairs_hour"][h]
        hourly.append({
            "hour": h, "mentions": int(per_hour[h]), "answered": int(ans_hour[h]),
            "answered_pct": _pct(ans_hour[h], per_hour[h]),
            "median_response_minutes": med, "p90_response_minutes": p90,
            "mentions_while_closed": int(closed_h), "closed_pct": _pct(closed_h, pairs_h),
        })
    wh_m, wh_a = figs["wh_m"], figs["wh_a"]
    weekday_hourly = [{"weekday": c // 24 + 1, "hour": c % 24, "mentions": int(wh_m[c]), "answered": int(wh_a[c])}
                      for c in range(168)]

    n_pairs, n_ans_pairs = figs["n_pairs"], figs["n_ans_pairs"]
    counts = [*figs["buckets"][:7].tolist(), n_pairs - n_ans_pairs]
    response_times = [{"bucket": name, "count": int(c), "pct": _pct(c, n_pairs),
                       "answered_pct": _pct(c, n_ans_pairs) if name != "unanswered" else None}
                      for name, c in zip(BUCKETS, counts, strict=True)]

    per_brand, ans_brand, closed_brand = figs["per_brand"], figs["ans_brand"], figs["closed_brand"]
    reply_names = ("brand_replies", "replies_to_mentions", "proactive_replies", "replies_parent_missing",
                   "replies_to_self")
    # Agents: the replies of each signature of each brand (two agents may sign alike: ^JK twice)
    sig_base, _ = _agent_index(brand_list)
    agents_of: list[dict[str, list[int]]] = []
    for i, br in enumerate(brand_list):
        per: dict[str, list[int]] = {}
        for j, sig in enumerate(br.agents):
            if is_signature(sig):
                c = per.setdefault(sig, [0, 0])
                c[0] += int(figs["agent_replies"][sig_base[i] + j])
                c[1] += int(figs["agent_to_mention"][sig_base[i] + j])
        agents_of.append({sig: c for sig, c in per.items() if c[0]})
    brand_agents = sorted(({"handle": br.handle.lower(), "agent": sig, "replies": c[0], "replies_to_mentions": c[1]}
                           for br, per in zip(brand_list, agents_of, strict=True) for sig, c in per.items()),
                          key=lambda r: (r["handle"], -r["replies"], r["agent"]))
    signed_brand = [sum(c[0] for c in per.values()) for per in agents_of]
    brands = []
    for i, br in enumerate(brand_list):
        med, p90 = resp.stats("brand", i)
        row = {"handle": br.handle.lower(), "name": br.name, "sector": br.sector,
               "mentions": int(per_brand[i]), "answered": int(ans_brand[i]),
               "answered_pct": _pct(ans_brand[i], per_brand[i]),
               "median_response_minutes": med, "p90_response_minutes": p90}
        row.update({name: int(figs[name][i]) for name in reply_names})
        row.update({"hours": br.hours, "tz": br.tz, "mentions_while_closed": int(closed_brand[i]),
                    "closed_pct": _pct(closed_brand[i], per_brand[i]),
                    **_insights(figs["q_brand"][i], figs["qa_brand"][i], figs["handoff_brand"][i],
                                figs["replies_to_mentions"][i]),
                    "agents": len(agents_of[i]), "signed_replies": signed_brand[i],
                    "signed_pct": _pct(signed_brand[i], figs["brand_replies"][i])})
        brands.append(row)
    brands.sort(key=lambda r: (-r["mentions"], r["handle"]))

    sectors = []
    for si, sname in enumerate(SECTORS):
        if not (sector_of == si).any():
            continue
        sm, sa = int(figs["sector_mentions"][si]), int(figs["sector_answered"][si])
        sectors.append({
            "sector": sname, "brands": int((sector_of == si).sum()),
            "mention_tweets": sm, "answered": sa, "answered_pct": _pct(sa, sm),
            "mention_pairs": int(figs["sector_pairs"][si]), "answered_pairs": int(figs["sector_ans_pairs"][si]),
            "median_response_minutes": resp.stats("sector", si)[0],
            "proactive_replies": int(figs["sector_proactive"][si]),
            "replies_parent_missing": int(figs["sector_missing"][si]),
            **_insights(figs["sector_q"][si], figs["sector_qa"][si], figs["sector_handoff"][si],
                        figs["replies_to_mentions"][sector_of == si].sum()),
            "agents": sum(len(agents_of[i]) for i in np.flatnonzero(sector_of == si)),
            "signed_replies": int(figs["sector_signed"][si]),
            "signed_pct": _pct(figs["sector_signed"][si], figs["brand_replies"][sector_of == si].sum()),
        })
    sectors.sort(key=lambda r: (-r["mention_tweets"], r["sector"]))

    # The trend per brand and month (kwo's monthly section; the medians are not counted here).
    mp, ma = figs["month_pairs"].reshape(k, N_MONTHS), figs["month_ans_pairs"].reshape(k, N_MONTHS)
    monthly = sorted(({"handle": br.handle.lower(), "month": _month_name(m), "mentions": int(mp[i, m]),
                       "answered": int(ma[i, m]), "answered_pct": _pct(ma[i, m], mp[i, m])}
                      for i, br in enumerate(brand_list) for m in np.flatnonzero(mp[i])),
                     key=lambda r: (r["handle"], r["month"]))

    kinds = {name: int(c) for name, c in zip(KIND_NAMES, figs["kinds"], strict=True)}
    med, p90 = resp.stats("total")
    return {
        "generator": _generator_info(),
        "parameters": {"seed": seed, "tweets": tweets, "format": fmt, "brands": k,
                       "year": YEAR, "tz": TZ_NAME, "mode": "direct", "window": None},
        "totals": {
            "mention_tweets": n_mentions, "mention_pairs": n_pairs, "answered": n_answered,
            "answered_pct": _pct(n_answered, n_mentions), "answered_pairs": n_ans_pairs,
            "brands_mentioned": int((per_brand > 0).sum()),
            "brand_replies": int(figs["brand_replies"].sum()),
            "replies_to_mentions": int(figs["replies_to_mentions"].sum()),
            "proactive_replies": int(figs["proactive_replies"].sum()),
            "replies_parent_missing": int(figs["replies_parent_missing"].sum()),
            "replies_to_self": int(figs["replies_to_self"].sum()),
            "peak_hour": peak, "peak_hour_mentions": int(per_hour[peak]),
            "median_response_minutes": med, "p90_response_minutes": p90,
            "mean_response_minutes": resp.mean(),
            **_insights(figs["n_questions"], figs["n_questions_answered"], figs["handoff_brand"].sum(),
                        figs["replies_to_mentions"].sum()),
            "agents": sum(len(per) for per in agents_of),
            "signed_replies": sum(signed_brand),
            "signed_pct": _pct(sum(signed_brand), figs["brand_replies"].sum()),
        },
        "hourly": hourly,
        "weekday_hourly": weekday_hourly,
        "response_times": response_times,
        "brands": brands,
        "sectors": sectors,
        "brand_agents": brand_agents,
        "monthly": monthly,
        "kinds": kinds,
        "kwo16": {"mention_tweets": KWO16_MENTION_TWEETS, "answered_pct": KWO16_ANSWERED_PCT,
                  "proactive_replies": KWO16_PROACTIVE, "peak_hour": KWO16_PEAK_HOUR,
                  "closed_from_17_pct": 30},
        "roster": {"brands": k, "closing_at_17": sum(b.closes_at_17 for b in brand_list)},
    }


