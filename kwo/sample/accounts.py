"""The accounts of a world: brands first (index < K), then customers with Dutch names, handles
numbered as people number them, and user ids that follow the creation time as Twitter's did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from .arrays import run_starts
from .brands import SampleBrand
from .plan import TWITTER_EPOCH_MS
from .vocabulary import BIOS, CITIES, FIRST, LAST, NICK

_ASCII = str.maketrans({"ë": "e", "é": "e", "Ö": "O", "ö": "o", "ü": "u", " ": ""})


@dataclass
class Accounts:
    ids: list[str]  # numeric user ids as text (v1, v2)
    handles: list[str]
    names: list[str]
    created: np.ndarray  # account creation, epoch seconds
    followers: np.ndarray
    friends: np.ndarray
    statuses: np.ndarray
    city: np.ndarray
    bio: np.ndarray
    first_names: list[str]


_ID_ANCHORS_T = np.array([datetime(y, 1, 1, tzinfo=UTC).timestamp() for y in range(2007, 2016)] +
                         [datetime(2015, 12, 1, tzinfo=UTC).timestamp()])
_ID_ANCHORS = np.array([1e6, 1.8e7, 1e8, 2.3e8, 4.5e8, 1.05e9, 2.25e9, 2.95e9, 3.6e9, 4.3e9])


def build_accounts(brands: list[SampleBrand], n_customers: int, rng: np.random.Generator) -> Accounts:
    k = len(brands)
    # Creation time; user ids follow it as Twitter's did (sequential, snowflake from late 2015).
    start = datetime(2008, 1, 1, tzinfo=UTC).timestamp()
    end = datetime(2015, 12, 31, tzinfo=UTC).timestamp()
    created = (start + (end - start) * rng.random(n_customers) ** 0.8).astype(np.int64)
    small = np.interp(created, _ID_ANCHORS_T, _ID_ANCHORS).astype(np.int64) + rng.integers(0, 5_000_000, n_customers)
    late = created >= _ID_ANCHORS_T[-1]
    snow = ((created * 1000 - TWITTER_EPOCH_MS) << 22) | rng.integers(0, 1 << 22, n_customers)
    cust_ids = np.where(late, snow, small)
    brand_ids = {b.user_id for b in brands}
    # Make the ids distinct (and distinct from the brands') by nudging repeats upwards.
    order = np.argsort(cust_ids, kind="stable")
    sorted_ids = cust_ids[order]
    while True:
        dup = np.flatnonzero(sorted_ids[1:] <= sorted_ids[:-1]) + 1
        clash = np.flatnonzero(np.isin(sorted_ids, list(brand_ids)))
        if not len(dup) and not len(clash):
            break
        sorted_ids[dup] = sorted_ids[dup - 1] + 1
        sorted_ids[clash] += 1
    cust_ids = np.empty_like(sorted_ids)
    cust_ids[order] = sorted_ids

    fi = rng.integers(0, len(FIRST), n_customers)
    li = rng.integers(0, len(LAST), n_customers)
    ni = rng.integers(0, len(NICK), n_customers)
    pattern = rng.integers(0, 6, n_customers)
    yy = rng.integers(60, 100, n_customers)
    name_style = rng.integers(0, 4, n_customers)
    # Handles: a base from the name (6 patterns), numbered when the base is taken, as people do.
    # The numbering is the rank within the base (vectorised); the loop only glues strings.
    f_ascii = [f.translate(_ASCII) for f in FIRST]
    f_low = [f.lower() for f in f_ascii]
    l_ascii = [x.translate(_ASCII) for x in LAST]
    l_low = [x.lower() for x in l_ascii]
    n_f, n_l, n_n = len(FIRST), len(LAST), len(NICK)
    bases = ([f_ascii[a][:5] + l_ascii[b][:6] for a in range(n_f) for b in range(n_l)]
             + [f"{f_low[a][:5]}_{l_low[b][:5]}" for a in range(n_f) for b in range(n_l)]
             + [f"{f_low[a]}{y}" for a in range(n_f) for y in range(60, 100)]
             + [f"{f_ascii[a]}{l_ascii[b][0]}" for a in range(n_f) for b in range(n_l)]
             + [f"{NICK[k]}_{f_low[a][:4]}" for k in range(n_n) for a in range(n_f)]
             + [f"{f_low[a][0]}{l_low[b][:9]}" for a in range(n_f) for b in range(n_l)])
    bases = [b[:11] for b in bases]  # room for a number of up to 4 digits
    base_ids: dict[str, int] = {}
    base_id = np.array([base_ids.setdefault(b.lower(), len(base_ids)) for b in bases])
    offsets = np.cumsum([0, n_f * n_l, n_f * n_l, n_f * 40, n_f * n_l, n_n * n_f])
    code = offsets[pattern] + np.select(
        [pattern == 0, pattern == 1, pattern == 2, pattern == 3, pattern == 4],
        [fi * n_l + li, fi * n_l + li, fi * 40 + (yy - 60), fi * n_l + li, ni * n_f + fi], fi * n_l + li)
    order = np.argsort(base_id[code], kind="stable")
    sc = base_id[code][order]
    group_start = np.maximum.accumulate(np.where(run_starts(sc), np.arange(len(sc)), 0))
    rank = np.empty(n_customers, dtype=np.int64)
    rank[order] = np.arange(len(sc)) - group_start
    # Some patterns always carry a number; the others only from the second holder of the base.
    always = (pattern == 3)
    suffix = np.where(always, rank + 1, rank)
    handles = [bases[c] + (str(x) if x else "") for c, x in zip(code.tolist(), suffix.tolist(), strict=True)]
    taken = {b.handle.lower() for b in brands}
    for i, h in enumerate(handles):  # bases may still meet ("tim6"+"8" and "tim"+"68"): renumber those
        low = h.lower()
        j = 2
        while low in taken:
            h = f"{handles[i][:11]}{j}"
            low = h.lower()
            j += 1
        handles[i] = h
        taken.add(low)
    display = [[f, f"{f} {x[0].upper()}.", f"{f} {x}"] for f in FIRST for x in LAST]
    names = [display[a * n_l + b][min(st, 2)]
             for a, b, st in zip(fi.tolist(), li.tolist(), name_style.tolist(), strict=True)]
    firsts = [FIRST[a] for a in fi.tolist()]
    n_all = k + n_customers
    brand_created = rng.integers(int(datetime(2009, 3, 1).timestamp()), int(datetime(2013, 6, 1).timestamp()), k)
    return Accounts(
        ids=[str(b.user_id) for b in brands] + [str(x) for x in cust_ids.tolist()],
        handles=[b.handle for b in brands] + handles,
        names=[b.name for b in brands] + names,
        created=np.concatenate([brand_created, created]),
        followers=np.concatenate([rng.integers(3_000, 90_000, k), rng.lognormal(4.5, 1.4, n_customers).astype(np.int64)]),
        friends=np.concatenate([rng.integers(50, 2_000, k), rng.lognormal(5.0, 1.0, n_customers).astype(np.int64)]),
        statuses=np.concatenate([rng.integers(20_000, 400_000, k), rng.lognormal(7.5, 1.5, n_customers).astype(np.int64)]),
        city=rng.integers(0, len(CITIES), n_all),
        bio=rng.integers(0, len(BIOS), n_all),
        first_names=[""] * k + firsts,
    )
