"""Which agent signs a brand reply: agents work shifts (issue 19's sample behaviour).

A brand's agents (kwo.sample.brands: 3 to 6 signatures) split the day: on weekdays the even-numbered
agents work the early shift (06:00-15:00 local time) and the odd-numbered the late one
(15:00-24:00); at weekends only the first agent works early and the second late; at night
(00:00-06:00) the last agent is on call. A reply goes to one of the agents on shift at its local
time, drawn at random. The draw comes from a stream of its own (seeded from the sample's seed and
shard), so every other figure of the sample, and the main stream itself, is what it was before
agents had shifts: only which agent signs a reply changes, and every agent's signature was a
possible one for that reply before, so no text outgrows the limits the vocabulary checks.
"""

from __future__ import annotations

import numpy as np

from .clock import Clock
from .plan import MP, RDUP, RSELF, XR, P, R

_STREAM = 0x5348_4946  # "SHIF": the shifts' own random stream
REPLY_KINDS = (R, RDUP, P, RSELF, MP, XR)


def on_shift(n_agents: int, weekday: int, hour: int) -> list[int]:
    """The agents (0-based) of a brand with ``n_agents`` on shift at a local ``weekday`` (0 =
    Monday) and ``hour``."""
    if hour < 6:
        return [n_agents - 1]
    late = hour >= 15
    if weekday >= 5:
        return [min(int(late), n_agents - 1)]
    return [j for j in range(n_agents) if j % 2 == int(late)] or [0]


def shift_agents(kind: np.ndarray, t: np.ndarray, author: np.ndarray, agent: np.ndarray, n_agents: np.ndarray,
                 clock: Clock, seed: int, shard: int) -> np.ndarray:
    """``agent`` with every brand reply's agent drawn among the agents on shift at its time."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, _STREAM, shard]))
    out = agent.copy()
    idx = np.flatnonzero(np.isin(kind, REPLY_KINDS) & (author >= 0) & (author < len(n_agents)))
    if not len(idx):
        return out
    local = clock.to_local(t[idx])
    hour = (local // 3600) % 24
    weekday = (local // 86400 + 3) % 7  # 1970-01-01 was a Thursday: Monday = 0
    draw = rng.random(len(idx))
    brands_n = n_agents[author[idx]]
    # One table per number of agents: the agents on shift in each weekday-hour, padded with -1.
    for n in np.unique(brands_n):
        table = [[on_shift(int(n), d, h) for h in range(24)] for d in range(7)]
        sel = np.flatnonzero(brands_n == n)
        for d in range(7):
            for h in range(24):
                cell = sel[(weekday[sel] == d) & (hour[sel] == h)]
                if len(cell):
                    choices = np.array(table[d][h], dtype=np.int64)
                    out[idx[cell]] = choices[(draw[cell] * len(choices)).astype(np.int64)]
    return out
