"""The year of events of one world: every tweet and notice, as numpy columns, drawn from one
seeded generator, then given ids, time order and the columns the writers need."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .accounts import Accounts, build_accounts
from .arrays import sorted_member
from .brands import SECTOR_TRAITS, SampleBrand, build_roster, hours_mask
from .clock import (
    HOURS_BUSINESS,
    HOURS_WEEKDAY,
    HOURS_WEEKEND,
    NDAYS,
    SECTOR_HOUR_TILT,
    YEAR_NAIVE0,
    Clock,
    day_weights,
    weekend_days,
)
from .plan import (
    BUCKET_EDGES,
    C1,
    C2,
    DEL,
    F1,
    F2,
    LIM,
    MP,
    PP,
    RDUP,
    RSELF,
    RT,
    TWITTER_EPOCH_MS,
    XR,
    P,
    Plan,
    R,
    X,
    round_half_up,
)
from .vocabulary import (
    C_B2B,
    C_FOLLOWUP,
    C_FOLLOWUP2,
    C_TWO,
    EMOJI,
    MENTION_TONE,
    N_ANSWER_BASE,
    N_MENTION_BASE,
    SECTORS,
    SOURCES_BRAND,
    SOURCES_CUSTOMER,
    T_ANSWER_EXTRA,
    T_ANSWER_FOLLOWUP,
    T_BRAND_TO_BRAND_REPLY,
    T_PARENT_MISSING,
    T_PROACTIVE,
    T_PROACTIVE_PARENT,
    T_THREAD,
)

# ---------------------------------------------------------------------------------------------
# The events: every tweet and notice, as columns


class _Builder:
    """Collects blocks of events; returns the global index of each block's first row."""

    COLS = ("kind", "t", "author", "parent", "ext", "m1", "m2", "aux", "tpl", "agent", "deco")

    def __init__(self) -> None:
        self.blocks: dict[str, list[np.ndarray]] = {c: [] for c in self.COLS}
        self.n = 0

    def add(self, kind: int, t, author, *, parent=-1, ext=0, m1=-1, m2=-1, aux=-1, tpl=0, agent=0, deco=0) -> int:
        t = np.asarray(t, dtype=np.int64)
        n = len(t)
        start = self.n
        vals = dict(kind=kind, t=t, author=author, parent=parent, ext=ext, m1=m1, m2=m2, aux=aux, tpl=tpl,
                    agent=agent, deco=deco)
        dtypes = dict(kind=np.int8, t=np.int64, author=np.int32, parent=np.int64, ext=np.int64, m1=np.int32,
                      m2=np.int32, aux=np.int64, tpl=np.int16, agent=np.int16, deco=np.int8)
        for c in self.COLS:
            v = np.asarray(vals[c])
            self.blocks[c].append(np.broadcast_to(v, (n,)).astype(dtypes[c]))
        self.n += n
        return start

    def arrays(self) -> dict[str, np.ndarray]:
        return {c: (np.concatenate(v) if v else np.empty(0)) for c, v in self.blocks.items()}


@dataclass
class World:
    plan: Plan
    fmt: str
    seed: int
    brands: list[SampleBrand]
    acc: Accounts
    ev: dict[str, np.ndarray]  # sorted by time; see _Builder.COLS plus tid, ptid, pauthor, conv, src, twcs_id
    files: list[tuple[str, int, int]] = field(default_factory=list)  # (name, start, end) row ranges


class WorldGenerator:
    """Draws the year of events. All randomness comes from one seeded numpy generator."""

    def __init__(self, plan: Plan, k: int, seed: int, shard: tuple[int, int] | None = None):
        self.plan = plan
        self.k = k
        self.seed = seed
        self.rng = np.random.default_rng(np.random.SeedSequence([seed, 0x4B574F16]))
        self.clock = Clock()
        self.brands = build_roster(k, self.rng)
        # A shard (index, count) of a large archive (kwo.sample.parquet_writer): the roster is the whole
        # archive's, everything after it is the shard's own draw. Its tweet ids end in low bits
        # that are its index modulo the count, so the ids of different shards never meet.
        self.shard, self.shards = shard or (0, 1)
        if shard is not None:
            self.rng = np.random.default_rng(np.random.SeedSequence([seed, 0x4B574F16, self.shard]))
        self.acc = build_accounts(self.brands, plan.customers, self.rng)
        self.sector_idx = np.array([SECTORS.index(b.sector) for b in self.brands])
        self.vol = np.array([b.volume for b in self.brands])
        self.vol /= self.vol.sum()
        self.answer_w = np.array([b.answer for b in self.brands])
        self.resp_med = np.array([b.response_minutes for b in self.brands])
        self.pro_w = np.array([b.proactive for b in self.brands]) * np.sqrt(self.vol)
        self.pro_w /= self.pro_w.sum()
        masks = np.stack([hours_mask(b.hours) for b in self.brands])
        self.open_mask = masks
        self.wait = np.stack([self._wait_minutes(m) for m in masks])  # minutes until open, 0 when open
        weekend = weekend_days()
        self.cell_p = {}
        for si, s in enumerate(SECTORS):
            prof_wd = HOURS_WEEKDAY.copy()
            prof_we = HOURS_WEEKEND.copy()
            for h, f in SECTOR_HOUR_TILT.get(s, {}).items():
                prof_wd[h] *= f
                prof_we[h] *= 1 + (f - 1) / 2
            dw = day_weights(s, SECTOR_TRAITS[s][5])
            cells = dw[:, None] * np.where(weekend[:, None], prof_we / prof_we.sum(), prof_wd / prof_wd.sum())
            self.cell_p[si] = (cells / cells.sum()).ravel()
        biz = np.where(weekend[:, None], 0.15, 1.0) * HOURS_BUSINESS[None, :]
        self.biz_p = (biz / biz.sum()).ravel()
        self.b = _Builder()

    def low_bits(self, n: int) -> np.ndarray:
        """The low 22 bits of snowflake ids (worker and sequence): random; in a shard, its index
        modulo the shard count, so a clashing id is nudged by the shard count (see finish_events)."""
        if self.shards == 1:
            return self.rng.integers(0, 1 << 22, n)
        return self.rng.integers(0, (1 << 22) // self.shards, n) * self.shards + self.shard

    @staticmethod
    def _wait_minutes(mask: np.ndarray) -> np.ndarray:
        n = len(mask)
        opens = np.flatnonzero(mask)
        if not len(opens):
            return np.zeros(n, dtype=np.int64)
        ext = np.concatenate([opens, opens + n])
        return ext[np.searchsorted(ext, np.arange(n))] - np.arange(n)

    # -- times ----------------------------------------------------------------------------------

    def _from_cells(self, cells: np.ndarray) -> np.ndarray:
        naive = YEAR_NAIVE0 + cells.astype(np.int64) * 3600 + self.rng.integers(0, 3600, len(cells))
        return naive - self.clock.local_off[cells]

    def mention_times(self, brand: np.ndarray) -> np.ndarray:
        """Customer tweet times for the given brands: the sector's day and hour rhythm."""
        t = np.empty(len(brand), dtype=np.int64)
        sec = self.sector_idx[brand]
        for si in range(len(SECTORS)):
            sel = np.flatnonzero(sec == si)
            if len(sel):
                cells = self.rng.choice(len(self.cell_p[si]), size=len(sel), p=self.cell_p[si])
                t[sel] = self._from_cells(cells)
        return t

    def business_times(self, n: int) -> np.ndarray:
        return self._from_cells(self.rng.choice(len(self.biz_p), size=n, p=self.biz_p))

    def is_open(self, brand: np.ndarray, t: np.ndarray) -> np.ndarray:
        return self.open_mask[brand, self.clock.minute_of_week(t)]

    def reply_times(self, brand: np.ndarray, t: np.ndarray, scale: float = 1.0) -> np.ndarray:
        """When brand answers a tweet posted at t: mostly within opening hours, with a long tail.

        Closed at arrival: the tweet waits for the opening and the backlog. Open: a lognormal delay
        around the brand's median. A reply that would fall after closing waits for the next opening
        (unless an agent on call sends it). One reply in twenty takes hours to days.
        """
        rng = self.rng
        n = len(t)
        local = self.clock.to_local(t)
        wait = self.wait[brand, self.clock.minute_of_week(t)]
        closed = wait > 0
        start = np.where(closed, t - local % 60 + wait * 60, t)
        work = np.exp(np.log(self.resp_med[brand] * scale) + rng.normal(0, 1.0, n)) * 60
        backlog = np.exp(np.log(25.0) + rng.normal(0, 0.8, n)) * 60
        d = np.where(closed, backlog, work)
        tail = rng.random(n) < 0.05
        d = np.where(tail, d * np.exp(rng.uniform(1.0, 4.5, n)), d)
        cand = start + d.astype(np.int64)
        wait2 = self.wait[brand, self.clock.minute_of_week(cand)]
        push = (wait2 > 0) & (rng.random(n) >= 0.04)
        extra = (np.exp(np.log(15.0) + rng.normal(0, 0.8, n)) * 60).astype(np.int64)
        cand = np.where(push, cand - self.clock.to_local(cand) % 60 + wait2 * 60 + extra, cand)
        delta = np.clip(cand - t, 45, 30 * 86400)
        # Keep clear of the bucket edges, so "<= 30 min" cannot depend on how a report rounds.
        delta += np.isin(delta, BUCKET_EDGES)
        return t + delta

    def customer_delay(self, t: np.ndarray, median_min: float) -> np.ndarray:
        d = np.exp(np.log(median_min) + self.rng.normal(0, 1.2, len(t))) * 60
        return t + np.clip(d.astype(np.int64), 20, 7 * 86400)

    # -- choices --------------------------------------------------------------------------------

    def customers(self, n: int) -> np.ndarray:
        """Customer account indices; a few people tweet a lot, most a little."""
        p = self.plan.customers
        return self.k + np.minimum((p * self.rng.random(n) ** 1.6).astype(np.int64), p - 1)

    def weighted_pick(self, weights: np.ndarray, size: int) -> np.ndarray:
        """Exactly ``size`` indices, drawn without replacement with the given weights
        (Efraimidis-Spirakis keys), returned sorted."""
        if size <= 0:
            return np.empty(0, dtype=np.int64)
        if size >= len(weights):
            return np.arange(len(weights))
        keys = np.log(self.rng.random(len(weights))) / weights
        return np.sort(np.argpartition(-keys, size - 1)[:size])

    def other_brand(self, b: np.ndarray, same_sector_share: float) -> np.ndarray:
        rng = self.rng
        n = len(b)
        other = rng.choice(self.k, size=n, p=self.vol)
        same = rng.random(n) < same_sector_share
        # A brand of the same sector: pick a random brand until the sector matches (vectorised).
        for _ in range(8):
            redo = same & (self.sector_idx[other] != self.sector_idx[b])
            if not redo.any():
                break
            other[redo] = rng.choice(self.k, size=int(redo.sum()), p=self.vol)
        clash = other == b
        other[clash] = (b[clash] + 1 + rng.integers(0, self.k - 1, int(clash.sum()))) % self.k
        return other

    def tpl(self, n: int, options: int) -> np.ndarray:
        return self.rng.integers(0, options, n)

    def agents(self, brand: np.ndarray) -> np.ndarray:
        n_agents = np.array([len(b.agents) for b in self.brands])
        return (self.rng.random(len(brand)) * n_agents[brand]).astype(np.int64)

    # -- the year -------------------------------------------------------------------------------

    def run(self) -> dict[str, np.ndarray]:
        plan, rng, b, k = self.plan, self.rng, self.b, self.k
        n_roots = plan.single + plan.double

        # Customer mentions. A share of the single mentions comes in bursts (outages, incidents).
        brand1 = rng.choice(k, size=n_roots, p=self.vol)
        t_root = self.mention_times(brand1)
        self._incidents(brand1, t_root, plan.single)
        is_double = np.zeros(n_roots, dtype=bool)
        is_double[rng.choice(n_roots, size=plan.double, replace=False)] = True
        brand2 = np.full(n_roots, -1)
        brand2[is_double] = self.other_brand(brand1[is_double], 0.6)
        author = self.customers(n_roots)
        tpl = np.where(is_double, self.tpl(n_roots, len(C_TWO)),
                       (rng.random(n_roots) * np.array([N_MENTION_BASE[s] for s in SECTORS])[self.sector_idx[brand1]])
                       .astype(np.int64))
        deco = np.where(rng.random(n_roots) < 0.12, rng.integers(1, len(EMOJI), n_roots), 0)
        root0 = b.add(C1, t_root, author, m1=brand1, m2=brand2, tpl=tpl, deco=deco)
        b.blocks["kind"][-1][is_double] = C2

        # Which customer mentions get answered: an exact number, weighted by brand and opening.
        w1 = self.answer_w[brand1] * np.where(self.is_open(brand1, t_root), 1.0, 0.45)
        w2 = np.where(is_double, self.answer_w[np.maximum(brand2, 0)] * np.where(
            self.is_open(np.maximum(brand2, 0), t_root), 1.0, 0.45), 0)
        answered = self.weighted_pick(np.maximum(w1, w2), plan.answered_roots)
        # Two brands mentioned: the first, the second or both answer.
        pattern = rng.choice(3, size=len(answered), p=[0.4, 0.3, 0.3])  # first, second, both
        dbl = is_double[answered]
        first_answers = ~dbl | (pattern != 1)
        second_answers = dbl & (pattern != 0)
        r_root = np.concatenate([answered[first_answers], answered[second_answers]])
        r_brand = np.concatenate([brand1[answered[first_answers]], brand2[answered[second_answers]]])
        order = np.argsort(r_root, kind="stable")
        r_root, r_brand = r_root[order], r_brand[order]
        r_t = self.reply_times(r_brand, t_root[r_root])
        # The answer matches the tweet's tone (complaint, question, praise); two brands: a question.
        tone_of = np.zeros((len(SECTORS), max(len(v) for v in MENTION_TONE.values())), dtype=np.int64)
        for si, sname in enumerate(SECTORS):
            tone_of[si, :len(MENTION_TONE[sname])] = MENTION_TONE[sname]
        r_tone = np.where(is_double[r_root], 1, tone_of[self.sector_idx[brand1[r_root]], tpl[r_root]])
        n_answers = np.array([N_ANSWER_BASE[sname] for sname in SECTORS])
        r_tpl = (rng.random(len(r_root)) * n_answers[self.sector_idx[r_brand], r_tone]).astype(np.int64)
        r0 = b.add(R, r_t, r_brand, parent=root0 + r_root, m1=author[r_root], aux=r_tone, tpl=r_tpl,
                   agent=self.agents(r_brand), deco=rng.random(len(r_root)) < 0.6)
        # Now and then a second reply to the same tweet, a few minutes later (never the first).
        extra = np.flatnonzero(rng.random(len(r_root)) < 0.03)
        b.add(RDUP, r_t[extra] + rng.integers(40, 600, len(extra)), r_brand[extra], parent=root0 + r_root[extra],
              m1=author[r_root[extra]], tpl=self.tpl(len(extra), len(T_ANSWER_EXTRA)),
              agent=self.agents(r_brand[extra]))
        # ... or a brand continues its own answer in a thread ("(2/2)"): a reply to itself.
        cont = np.flatnonzero(rng.random(len(r_root)) < 0.01)
        b.add(RSELF, r_t[cont] + rng.integers(30, 180, len(cont)), r_brand[cont], parent=r0 + cont,
              m1=author[r_root[cont]], tpl=self.tpl(len(cont), len(T_THREAD)), agent=self.agents(r_brand[cont]))

        # Follow-ups: the customer answers the brand's reply (@brand, so a mention), and again.
        f_idx = np.sort(rng.choice(len(r_root), size=plan.followups, replace=False))
        f_t = self.customer_delay(r_t[f_idx], 12.0)
        f_brand = r_brand[f_idx]
        f_author = author[r_root[f_idx]]
        f0 = b.add(F1, f_t, f_author, parent=r0 + f_idx, m1=f_brand, tpl=self.tpl(len(f_idx), len(C_FOLLOWUP)))
        fa = self.weighted_pick(self.answer_w[f_brand] * np.where(self.is_open(f_brand, f_t), 1.0, 0.5),
                                plan.answered_followups)
        r2_t = self.reply_times(f_brand[fa], f_t[fa], 0.7)
        r20 = b.add(R, r2_t, f_brand[fa], parent=f0 + fa, m1=f_author[fa], aux=3,
                    tpl=self.tpl(len(fa), len(T_ANSWER_FOLLOWUP)), agent=self.agents(f_brand[fa]),
                    deco=rng.random(len(fa)) < 0.3)
        g_idx = np.sort(rng.choice(len(fa), size=plan.followups2, replace=False))
        g_t = self.customer_delay(r2_t[g_idx], 20.0)
        g_brand = f_brand[fa][g_idx]
        g_author = f_author[fa][g_idx]
        g0 = b.add(F2, g_t, g_author, parent=r20 + g_idx, m1=g_brand, tpl=self.tpl(len(g_idx), len(C_FOLLOWUP2)))
        ga = self.weighted_pick(self.answer_w[g_brand], plan.answered_followups2)
        b.add(R, self.reply_times(g_brand[ga], g_t[ga], 0.7), g_brand[ga], parent=g0 + ga, m1=g_author[ga], aux=3,
              tpl=self.tpl(len(ga), len(T_ANSWER_FOLLOWUP)), agent=self.agents(g_brand[ga]),
              deco=rng.random(len(ga)) < 0.3)

        # Organisations mentioning each other; half of those get a reply, which mentions back.
        xa = rng.choice(k, size=plan.brand_to_brand, p=self.vol)
        xb = self.other_brand(xa, 0.3)
        x_t = self.business_times(plan.brand_to_brand)
        x0 = b.add(X, x_t, xa, m1=xb, tpl=self.tpl(len(xa), len(C_B2B)), agent=self.agents(xa))
        xr = np.sort(rng.choice(plan.brand_to_brand, size=plan.brand_to_brand_answered, replace=False))
        b.add(XR, self.reply_times(xb[xr], x_t[xr], 3.0), xb[xr], parent=x0 + xr, m1=xa[xr],
              tpl=self.tpl(len(xr), len(T_BRAND_TO_BRAND_REPLY)), agent=self.agents(xb[xr]))

        # Retweets of customer mentions; some tweets travel far, and brands retweet praise.
        pop = rng.lognormal(0, 1.5, n_roots)
        rt_of = rng.choice(n_roots, size=plan.retweets, p=pop / pop.sum())
        rt_author = self.customers(plan.retweets)
        rt_author = np.where(rt_author == author[rt_of], self.k + (rt_author - self.k + 1) % plan.customers, rt_author)
        root_tone = np.where(is_double, 1, tone_of[self.sector_idx[brand1], tpl])
        by_brand = (root_tone[rt_of] == 2) & (rng.random(plan.retweets) < 0.5)  # praise
        rt_author = np.where(by_brand, brand1[rt_of], rt_author)
        b.add(RT, self.customer_delay(t_root[rt_of], 40.0), rt_author, aux=root0 + rt_of)

        # Proactive replies: a brand answers a tweet about it that did not tag it.
        pb = rng.choice(k, size=plan.proactive, p=self.pro_w)
        pp_t = self.mention_times(pb)
        pp_author = self.customers(plan.proactive)
        pp0 = b.add(PP, pp_t, pp_author, aux=pb, tpl=self.tpl(plan.proactive, len(T_PROACTIVE_PARENT)),
                    deco=rng.random(plan.proactive) < 0.1)
        b.add(P, self.reply_times(pb, pp_t, 2.0), pb, parent=pp0 + np.arange(plan.proactive), m1=pp_author,
              tpl=self.tpl(plan.proactive, len(T_PROACTIVE)), agent=self.agents(pb), deco=rng.random(plan.proactive) < 0.5)

        # Replies to tweets that are gone (deleted before collection): the parent is not in the archive.
        mb = rng.choice(k, size=plan.parent_missing, p=self.vol)
        m_parent_t = self.mention_times(mb)
        m_t = self.reply_times(mb, m_parent_t)
        m_author = self.customers(plan.parent_missing)
        m_ext = ((m_parent_t * 1000 - TWITTER_EPOCH_MS) << 22) | self.low_bits(plan.parent_missing)
        b.add(MP, m_t, mb, ext=m_ext, m1=m_author, tpl=self.tpl(plan.parent_missing, len(T_PARENT_MISSING)),
              agent=self.agents(mb))

        # Stream noise: deletes (of the gone tweets and of others never collected) and limit notices.
        n_tweets = b.n
        n_del = round_half_up(n_tweets * 0.003)
        del_t = np.concatenate([m_t + rng.integers(60, 86400, len(m_t)),
                                self.mention_times(rng.choice(k, size=n_del, p=self.vol)) + 3600])
        del_ext = np.concatenate([m_ext, ((del_t[len(m_t):] - 3000) * 1000 - TWITTER_EPOCH_MS) << 22
                                  | self.low_bits(n_del)])
        del_author = np.concatenate([m_author, self.customers(n_del)])
        b.add(DEL, del_t, del_author, ext=del_ext)
        n_lim = max(1, round_half_up(n_tweets * 0.0005))
        b.add(LIM, self.mention_times(rng.choice(k, size=n_lim, p=self.vol)), -1,
              ext=np.cumsum(rng.integers(1, 400, n_lim)))
        return b.arrays()

    def _incidents(self, brand: np.ndarray, t: np.ndarray, n_single: int) -> None:
        """Replace part of the single mentions by bursts: an outage draws many tweets in a few hours."""
        rng = self.rng
        rate = np.array([SECTOR_TRAITS[s.sector][6] for s in self.brands])
        per_brand = rng.poisson(rate)
        inc_brand = np.repeat(np.arange(self.k), per_brand)
        if not len(inc_brand):
            return
        n_inc = min(round_half_up(n_single * 0.05), len(brand))
        # A mention picked for a burst keeps nothing but its slot; brand and time are redrawn.
        slots = rng.choice(len(brand), size=n_inc, replace=False)
        which = rng.choice(len(inc_brand), size=n_inc, p=self._norm(self.vol[inc_brand] * rng.lognormal(0, 0.7, len(inc_brand))))
        day = rng.integers(0, NDAYS - 1, len(inc_brand))
        hour = rng.choice(24, size=len(inc_brand), p=self._norm(HOURS_BUSINESS + 0.3))
        start = YEAR_NAIVE0 + day * 86400 + hour * 3600 + rng.integers(0, 3600, len(inc_brand))
        naive = start[which] + np.minimum(rng.exponential(2.5 * 3600, n_inc), 10 * 3600).astype(np.int64)
        brand[slots] = inc_brand[which]
        t[slots] = self.clock.to_utc(naive)

    @staticmethod
    def _norm(w: np.ndarray) -> np.ndarray:
        return w / w.sum()


# ---------------------------------------------------------------------------------------------
# Ids, order and the columns the writers need


def finish_events(gen: WorldGenerator, ev: dict[str, np.ndarray], fmt: str) -> dict[str, np.ndarray]:
    """Sort by time, give every tweet a snowflake id and derive parent/conversation columns."""
    rng = gen.rng
    n = len(ev["t"])
    low = gen.low_bits(n)
    # Ids carry the creation time in milliseconds; tweets are stamped on whole seconds (ms = 0),
    # so created_at and timestamp_ms agree whichever a reader takes.
    key = ((ev["t"] * 1000 - TWITTER_EPOCH_MS) << 22) | low
    order = np.argsort(key, kind="stable")
    key = key[order]
    while True:  # equal ids within one second: nudge the later one (rare, keeps the order)
        dup = np.flatnonzero(key[1:] <= key[:-1]) + 1
        if not len(dup):
            break
        key[dup] = key[dup - 1] + gen.shards  # stays in the shard's residue class
    out = {c: v[order] for c, v in ev.items()}
    inv = np.empty(n, dtype=np.int64)
    inv[order] = np.arange(n)
    kind = out["kind"]
    noise = kind >= DEL
    out["tid"] = np.where(noise, 0, key)
    has_parent = out["parent"] >= 0
    out["parent"] = np.where(has_parent, inv[np.maximum(out["parent"], 0)], -1)
    is_rt = kind == RT
    out["aux"] = np.where(is_rt, inv[np.maximum(out["aux"], 0)], out["aux"])
    # The gone parents and deleted tweets must not share an id with a collected tweet.
    tids = np.sort(out["tid"][~noise])
    ext = out["ext"]
    gone = (kind == MP) | (kind == DEL)
    while True:
        clash = gone & sorted_member(ext, tids)
        if not clash.any():
            break
        ext[clash] += gen.shards
    # (A gone parent and its delete notice share an id, so both are nudged alike.)

    parent = out["parent"]
    tid = out["tid"]
    out["ptid"] = np.where(has_parent, tid[np.maximum(parent, 0)], np.where(kind == MP, ext, 0))
    out["pauthor"] = np.where(has_parent, out["author"][np.maximum(parent, 0)], np.where(kind == MP, out["m1"], -1))
    root = np.arange(n)
    for _ in range(12):
        up = parent[root]
        if not (up >= 0).any():
            break
        root = np.where(up >= 0, up, root)
    out["conv"] = np.where(kind == MP, ext, tid[root])
    # Replies and retweets received (public metrics), and a client per tweet.
    out["n_replies"] = np.bincount(parent[has_parent], minlength=n)
    out["n_retweets"] = np.bincount(out["aux"][is_rt], minlength=n)
    is_brand = (out["author"] >= 0) & (out["author"] < gen.k)
    src_c = rng.choice(len(SOURCES_CUSTOMER), size=n, p=[0.42, 0.38, 0.1, 0.05, 0.05])
    out["src"] = np.where(is_brand, out["author"] % len(SOURCES_BRAND), src_c).astype(np.int8)
    # twcs ids: sequential in time order like the Kaggle set, with gaps where a tweet is gone.
    if fmt == "twcs":
        in_csv = ~noise & ~is_rt
        gone_t = (ext[kind == MP] >> 22) + TWITTER_EPOCH_MS
        times = np.concatenate([out["t"][in_csv] * 1000, gone_t])
        rank = np.empty(len(times), dtype=np.int64)
        rank[np.argsort(times, kind="stable")] = np.arange(len(times))
        twcs_id = np.zeros(n, dtype=np.int64)
        twcs_id[in_csv] = rank[: int(in_csv.sum())] + 1
        out["twcs_id"] = twcs_id
        gone_id = np.zeros(n, dtype=np.int64)
        gone_id[kind == MP] = rank[int(in_csv.sum()):] + 1
        out["twcs_pid"] = np.where(has_parent, twcs_id[np.maximum(parent, 0)], gone_id)
    # Agents work shifts: who signs a reply is drawn from a stream of its own (kwo.sample.shifts).
    from .shifts import shift_agents

    n_agents = np.array([len(b.agents) for b in gen.brands])
    out["agent"] = shift_agents(kind, out["t"], out["author"], out["agent"], n_agents, gen.clock, gen.seed,
                                gen.shard).astype(out["agent"].dtype)
    # Questions and hand-offs in other words: variants drawn from a stream of their own (kwo.sample.wording).
    from .wording import vary_texts

    out["tpl"] = vary_texts(kind, out["tpl"], out["aux"], out["author"], out["m1"], gen.sector_idx, gen.seed,
                            gen.shard).astype(out["tpl"].dtype)
    return out


