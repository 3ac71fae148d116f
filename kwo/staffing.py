"""Staffing by Erlang C: the fewest agents that answer a share of the mentions in time.

For one team and one hour, mentions arrive at ``mentions_per_hour`` and each takes ``aht``
minutes of an agent's time (the average handling time). The offered load is
``A = mentions_per_hour * aht / 60`` Erlangs: how many agents would be busy all the time if
the work came evenly. With ``N`` agents, Erlang C gives

- the probability that a mention waits (every agent busy when it arrives),
  ``C(N, A) = N * B / (N - A * (1 - B))`` with ``B`` Erlang B's loss probability;
- the service level, the share of mentions answered within ``within`` minutes,
  ``1 - C(N, A) * exp(-(N - A) * within / aht)``;
- the average speed of answer (mean wait, over all mentions), ``C(N, A) * aht / (N - A)``;
- the occupancy, the share of the agents' time spent handling, ``A / N``.

:func:`agents_needed` returns the fewest ``N`` whose service level reaches ``target_pct``,
with those figures; :func:`agents_needed_cells` does the same for an array of arrival rates
at once (every weekday-hour of many brands), and :func:`figures_at` evaluates a given
staffing (the agents that were there, for instance).

The model's assumptions, which the figures are only as good as:

- mentions arrive one by one at random and independently (a Poisson process) at a rate that
  is constant within the hour;
- handling times are exponentially distributed with mean ``aht``, whatever the mention;
- one queue served first come, first served by identical agents, each handling one mention
  at a time;
- nobody abandons: every mention waits until it is answered;
- the hour is in steady state: it starts neither with a backlog nor empty, and its queue does
  not carry over into the next hour.

Edge cases have defined answers: no arrivals need 0 agents (nobody waits, service level
100%); with arrivals, at least ``floor(A) + 1`` agents are needed whatever the target, since
with ``N <= A`` the queue grows without bound (:func:`figures_at` gives such a staffing a
service level of 0%, a certain wait and an infinite average speed of answer). A target of
100% is refused (:class:`~kwo.errors.UsageError`): ``C(N, A) > 0`` for every finite ``N``,
so no number of agents answers every mention in time.

Why no library: see the README's dependency section. The factorials of the textbook formula
overflow a float from 171 agents on; Erlang B's recurrence
``B(n) = A * B(n-1) / (n + A * B(n-1))``, ``B(0) = 1``, stays within (0, 1] at any load.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from .errors import UsageError

# The recurrence forgets where it started: from n0 = A - K*sqrt(A) each step shrinks an error
# by about n/A, by exp(-K**2 / 2) in all at n = A. Started there from B = 1 as if n0 were 0, it
# agrees with the recurrence from 0 to 4e-15 at K = 8 and to the last bit at K = 10; huge loads
# take about K*sqrt(A) steps instead of A.
_WARM_START_SIGMAS = 10.0


@dataclass(frozen=True)
class Staffing:
    """Erlang C's figures for one arrival rate at one staffing."""

    agents: int
    load_erlangs: float  # offered load A = mentions_per_hour * aht / 60
    occupancy_pct: float  # share of the agents' time spent handling mentions
    wait_pct: float  # share of mentions that wait (every agent busy): 100 * C(N, A)
    service_level_pct: float  # share of mentions answered within `within` minutes
    asa_minutes: float  # average speed of answer: the mean wait over all mentions


@dataclass(frozen=True)
class StaffingCells:
    """The same figures as :class:`Staffing`, one array each, shaped like the arrival rates."""

    agents: np.ndarray  # int64
    load_erlangs: np.ndarray
    occupancy_pct: np.ndarray
    wait_pct: np.ndarray
    service_level_pct: np.ndarray
    asa_minutes: np.ndarray

    def cell(self, index) -> Staffing:
        """One cell's figures as Python numbers (``index`` as for the arrays: ``(brand, 0, 17)``)."""
        return Staffing(
            agents=int(self.agents[index]),
            load_erlangs=float(self.load_erlangs[index]),
            occupancy_pct=float(self.occupancy_pct[index]),
            wait_pct=float(self.wait_pct[index]),
            service_level_pct=float(self.service_level_pct[index]),
            asa_minutes=float(self.asa_minutes[index]),
        )


def agents_needed(mentions_per_hour: float, *, aht: float, target_pct: float, within: float) -> Staffing:
    """The fewest agents for which Erlang C answers ``target_pct``% of the mentions within
    ``within`` minutes, each mention taking ``aht`` minutes; with the figures at that staffing."""
    return agents_needed_cells([mentions_per_hour], aht=aht, target_pct=target_pct, within=within).cell(0)


def agents_needed_cells(mentions_per_hour, *, aht: float, target_pct: float, within: float) -> StaffingCells:
    """:func:`agents_needed` for every cell of an array of arrival rates (any shape)."""
    rates = _rates(mentions_per_hour)
    _check_times(aht, within)
    if not (_is_number(target_pct) and 0 <= target_pct < 100):
        if _is_number(target_pct) and target_pct == 100:
            raise UsageError(
                "a service level target of 100% cannot be met: under Erlang C some mentions wait "
                "however many agents there are; choose a target below 100 (99 or 99.9, say)"
            )
        raise UsageError(f"the service level target must be a percentage from 0 to below 100 (got {target_pct!r})")
    target = float(target_pct) / 100
    load = rates * (aht / 60)
    flat_load = load.ravel()
    agents = np.zeros(flat_load.shape, dtype=np.int64)
    wait = np.zeros(flat_load.shape, dtype=np.float64)
    busy = np.flatnonzero(flat_load > 0)  # no arrivals: 0 agents
    if busy.size:
        a = flat_load[busy]
        n = np.floor(a).astype(np.int64) + 1  # the fewest agents for which a steady state exists
        b = _erlang_b(n, a)
        # Add an agent wherever the target is not met yet, one recurrence step each.
        todo = np.arange(busy.size)
        while todo.size:
            nt, at, bt = n[todo], a[todo], b[todo]
            short = _service_level(nt, at, _erlang_c_from_b(nt, at, bt), within / aht) < target
            todo = todo[short]
            if todo.size:
                n[todo] += 1
                b[todo] = a[todo] * b[todo] / (n[todo] + a[todo] * b[todo])
        agents[busy] = n
        wait[busy] = _erlang_c_from_b(n, a, b)
    return _figures(agents.reshape(load.shape), load, wait.reshape(load.shape), aht=aht, within=within)


def figures_at(agents, mentions_per_hour, *, aht: float, within: float) -> StaffingCells:
    """Erlang C's figures for given numbers of agents (arrays broadcast against each other)."""
    rates = _rates(mentions_per_hour)
    _check_times(aht, within)
    n = np.asarray(agents)
    if n.dtype.kind not in "iu" or (n < 0).any():
        raise UsageError("the numbers of agents must be whole numbers, 0 or more")
    n, load = np.broadcast_arrays(n.astype(np.int64), rates * (aht / 60))
    return _figures(n.copy(), load.copy(), erlang_c(n, load), aht=aht, within=within)


def erlang_b(agents, load) -> np.ndarray:
    """Erlang B, the probability that all ``agents`` are busy in a loss system offered ``load``
    Erlangs; by the recurrence, so that no factorial overflows at any load."""
    n, a = np.broadcast_arrays(np.asarray(agents, dtype=np.int64), np.asarray(load, dtype=np.float64))
    out = np.ones(n.shape, dtype=np.float64)  # B(0, A) = 1
    nonzero = (a > 0).ravel()
    flat = out.ravel()
    flat[~nonzero & (n.ravel() > 0)] = 0.0  # no load: nobody is ever blocked
    flat[nonzero] = _erlang_b(n.ravel()[nonzero], a.ravel()[nonzero])
    return flat.reshape(n.shape)


def erlang_c(agents, load) -> np.ndarray:
    """Erlang C, the probability that a mention waits, for ``agents`` and ``load`` Erlangs
    (1 where ``agents <= load``: the queue never empties; 0 without load)."""
    n, a = np.broadcast_arrays(np.asarray(agents, dtype=np.int64), np.asarray(load, dtype=np.float64))
    stable = n > a
    c = np.where(a > 0, 1.0, 0.0)
    c[stable] = _erlang_c_from_b(n[stable], a[stable], erlang_b(n[stable], a[stable]))
    return c


def _erlang_b(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """B(n, a) for flat arrays with a > 0, n >= 0: the recurrence, all cells in step."""
    start = np.maximum(0, np.floor(np.minimum(n, a) - _WARM_START_SIGMAS * np.sqrt(a))).astype(np.int64)
    b = np.ones(a.shape, dtype=np.float64)
    steps = n - start
    # Cells in order of their step count, longest first: step j is taken by a prefix of them,
    # so no work is spent on cells that are already done.
    order = np.argsort(-steps, kind="stable")
    s_steps, s_start, s_a, s_b = steps[order], start[order], a[order], b[order]
    active = np.searchsorted(-s_steps, -np.arange(int(s_steps[0]) if s_steps.size else 0), side="left")
    for j, k in enumerate(active):
        bk, ak = s_b[:k], s_a[:k]
        s_b[:k] = ak * bk / (s_start[:k] + (j + 1) + ak * bk)
    b[order] = s_b
    return b


def _erlang_c_from_b(n: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return n * b / (n - a * (1 - b))


def _service_level(n: np.ndarray, a: np.ndarray, c: np.ndarray, within_per_aht: float) -> np.ndarray:
    return 1 - c * np.exp(-(n - a) * within_per_aht)


def _figures(n: np.ndarray, load: np.ndarray, c: np.ndarray, *, aht: float, within: float) -> StaffingCells:
    """The figures at staffing ``n`` (int64) for ``load`` (float64) with Erlang C ``c``, one shape."""
    stable = n > load
    with np.errstate(divide="ignore", invalid="ignore"):
        service = np.where(stable, _service_level(n, load, c, within / aht), 0.0)
        asa = np.where(stable, c * aht / np.where(stable, n - load, 1.0), np.inf)
        occupancy = np.where(n > 0, np.minimum(load / np.maximum(n, 1), 1.0), np.where(load > 0, 1.0, 0.0))
    service = np.where(load > 0, service, 1.0)  # no mentions: none waits
    asa = np.where(load > 0, asa, 0.0)
    return StaffingCells(
        agents=n,
        load_erlangs=load,
        occupancy_pct=100 * occupancy,
        wait_pct=100 * c,
        service_level_pct=100 * service,
        asa_minutes=asa,
    )


def _rates(mentions_per_hour) -> np.ndarray:
    try:
        rates = np.asarray(mentions_per_hour, dtype=np.float64)
    except (TypeError, ValueError):
        raise UsageError("mentions per hour must be numbers") from None
    if not np.isfinite(rates).all() or (rates < 0).any():
        bad = float(rates[~(np.isfinite(rates) & (rates >= 0))].ravel()[0])
        raise UsageError(f"mentions per hour must be finite and 0 or more (got {bad:g})")
    return rates


def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _check_times(aht: float, within: float) -> None:
    if not (_is_number(aht) and math.isfinite(aht) and aht > 0):
        raise UsageError(f"the handling time per mention must be more than 0 minutes (got {aht!r})")
    if not (_is_number(within) and math.isfinite(within) and within >= 0):
        raise UsageError(f"the answer time of the target must be 0 minutes or more (got {within!r})")
