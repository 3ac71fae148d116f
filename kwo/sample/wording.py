"""Questions and DM hand-offs in other words (issue 19's sample behaviour).

After the year is drawn, a stream of its own (seeded from the sample's seed and shard, like
kwo.sample.shifts) puts a variant (kwo.sample.vocabulary: MENTION_VARIANTS, ANSWER_VARIANTS) in
place of some texts, keeping the tone of each (a complaint stays a complaint, so its answer still
fits). Only the template index of those tweets changes: every tweet, id, time, answered pair and
agent is what it was, and so is every figure that does not read the text.

The shares, and why:
- Mentions: 8% take a variant of their tone. The templates alone make a little over half of the
  mentions a question (issue 19 asks for "about half ask something"), per sector from about 51% (transport, energy: more
  outage complaints) to 59% (banking); the variants add the full-width '？' and URLs with a '?' in
  them, which the rule must read right. On the KWO16 preset: 55.5% of the mention tweets ask.
- Answers to mentions: Coosto's webcare benchmark, as issue 19 cites it, has about 22% of webcare answers move to a private
  channel; the templates alone hand off in about a third of the answers. So a hand-off answer keeps
  its words with 43%, takes one of the four other hand-off wordings (PB, privébericht, English,
  "direct message") with 20% and a plain answer with 37%: about 22% of the replies to mentions
  hand off, every wording well represented. 6% of the other answers (not praise) take a decoy that
  must not count ("admin", "dmv", "#pm").
"""

from __future__ import annotations

import numpy as np

from .plan import C1, R
from .vocabulary import (
    _TONES,
    ANSWER_VARIANTS,
    H_ANSWERS,
    MENTION_TONE,
    MENTION_VARIANTS,
    N_ANSWER_BASE,
    N_MENTION_BASE,
    SECTORS,
    VARIANT_TONES,
)

_STREAM = 0x5445_5854  # "TEXT": the variants' own random stream
MENTION_VARIANT_SHARE = 0.08
HANDOFF_OTHER_WORDING = 0.20  # a hand-off answer in one of the variant hand-off wordings
HANDOFF_TO_PLAIN = 0.37  # ... or no hand-off at all
DECOY_SHARE = 0.06  # a plain answer that takes a decoy


def _tone_of_variant(text: str) -> int:
    return _TONES.index(text[0])


def vary_texts(kind: np.ndarray, tpl: np.ndarray, aux: np.ndarray, author: np.ndarray, m1: np.ndarray,
               sector_idx: np.ndarray, seed: int, shard: int) -> np.ndarray:
    """``tpl`` with some customer mentions and brand answers in the words of a variant."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, _STREAM, shard]))
    out = tpl.astype(np.int64)
    k = len(sector_idx)

    # Customer mentions (one brand): a variant of the same tone.
    sel = np.flatnonzero(kind == C1)
    swap, pick = rng.random(len(sel)), rng.random(len(sel))
    by_tone = [np.array([j for j, (t, _) in enumerate(MENTION_VARIANTS) if _tone_of_variant(t) == tone])
               for tone in range(len(_TONES))]
    for si, s in enumerate(SECTORS):
        tone = np.array(MENTION_TONE[s][:N_MENTION_BASE[s]])
        here = np.flatnonzero((sector_idx[m1[sel]] == si) & (swap < MENTION_VARIANT_SHARE))
        if not len(here):
            continue
        t_here = tone[out[sel[here]]]
        for tn, options in enumerate(by_tone):
            cell = here[t_here == tn]
            if len(cell) and len(options):
                out[sel[cell]] = N_MENTION_BASE[s] + options[(pick[cell] * len(options)).astype(np.int64)]

    # Brand answers (aux is the tone; praise keeps its words).
    sel = np.flatnonzero((kind == R) & (author >= 0) & (author < k))
    u, pick = rng.random(len(sel)), rng.random(len(sel))
    hand, plain, decoy = ([j for j, (_, what) in enumerate(ANSWER_VARIANTS) if what == w]
                          for w in ("handoff", "plain", "decoy"))
    for si, s in enumerate(SECTORS):
        for tone in VARIANT_TONES:
            here = np.flatnonzero((sector_idx[author[sel]] == si) & (aux[sel] == tone))
            if not len(here):
                continue
            base = N_ANSWER_BASE[s][tone]
            is_hand = np.array(H_ANSWERS[s][tone][:base], dtype=bool)[out[sel[here]]]
            uu = u[here]
            for mask, options in ((is_hand & (uu < HANDOFF_OTHER_WORDING), hand),
                                  (is_hand & (uu >= HANDOFF_OTHER_WORDING)
                                   & (uu < HANDOFF_OTHER_WORDING + HANDOFF_TO_PLAIN), plain),
                                  (~is_hand & (uu < DECOY_SHARE), decoy)):
                cell = here[mask]
                if len(cell):
                    out[sel[cell]] = base + np.array(options)[(pick[cell] * len(options)).astype(np.int64)]
    return out
