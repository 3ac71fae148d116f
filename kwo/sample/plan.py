"""The published KWO16 figures, the sample's constants and kinds of tweet, and the plan: how
many tweets of each kind there will be (arithmetic only, no randomness)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import UsageError

# ---------------------------------------------------------------------------------------------
# The published KWO16 figures and the defaults calibrated on them

KWO16_MENTION_TWEETS = 1_508_812
KWO16_PROACTIVE = 79_012
KWO16_ANSWERED_PCT = 58
KWO16_PEAK_HOUR = 17
DEFAULT_TWEETS = KWO16_MENTION_TWEETS
DEFAULT_SEED = 2016
DEFAULT_BRANDS = 100
MIN_TWEETS = 100
MAX_BRANDS = 500
FORMATS = ("v1", "v2", "twcs", "parquet")  # parquet: a kwo archive, written by kwo.sample.parquet_writer
YEAR = 2016
TZ_NAME = "Europe/Amsterdam"
GZIP_LEVEL = 1  # isal level 1: ~5x smaller than plain at several hundred MB/s

TWITTER_EPOCH_MS = 1_288_834_974_657
BUCKETS = ("<=30 min", "<=1 h", "<=4 h", "<=8 h", "<=24 h", "<=48 h", ">48 h", "unanswered")
BUCKET_EDGES = np.array([1800, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 48 * 3600], dtype=np.int64)

# Event kinds. Mention tweets come from C1, C2, X, XR, F1 and F2 only.
C1, C2, X, XR, F1, F2, R, RDUP, RT, PP, P, MP, RSELF, DEL, LIM = range(15)
KIND_NAMES = ("mention", "mention2", "brand_mention", "brand_mention_reply", "followup", "followup2",
              "answer", "answer_extra", "retweet", "proactive_parent", "proactive", "parent_missing",
              "thread_continued", "delete", "limit")


def round_half_up(x: float) -> int:
    return int(math.floor(x + 0.5))



# ---------------------------------------------------------------------------------------------
# The plan: how many tweets of each kind (arithmetic only, no randomness)


@dataclass(frozen=True)
class Plan:
    """Counts decided before anything random happens; the calibration lives here."""

    tweets: int  # mention tweets asked for (--tweets)
    single: int  # customer tweets mentioning one brand
    double: int  # customer tweets mentioning two brands
    brand_to_brand: int  # a brand's tweet mentioning another brand
    brand_to_brand_answered: int  # ... answered; the answer mentions the first brand: one more mention tweet
    followups: int  # a customer replying to a brand's answer, with @brand (a mention tweet)
    followups2: int  # a second round of that
    answered_roots: int  # customer tweets (single + double) answered by at least one brand
    answered_followups: int
    answered_followups2: int
    proactive: int  # brand replies to tweets that did not mention the brand
    parent_missing: int  # brand replies whose parent is not in the archive (deleted tweets)
    retweets: int
    customers: int

    @property
    def mention_tweets(self) -> int:
        return (self.single + self.double + self.brand_to_brand + self.brand_to_brand_answered
                + self.followups + self.followups2)

    @property
    def answered(self) -> int:
        return (self.answered_roots + self.brand_to_brand_answered + self.answered_followups
                + self.answered_followups2)

    @property
    def answered_pct(self) -> float:
        return 100.0 * self.answered / self.mention_tweets


def proactive_for(tweets: int) -> int:
    """round(tweets * 79,012 / 1,508,812), halves rounded up, in exact integer arithmetic."""
    return (2 * tweets * KWO16_PROACTIVE + KWO16_MENTION_TWEETS) // (2 * KWO16_MENTION_TWEETS)


def plan_counts(tweets: int = DEFAULT_TWEETS) -> Plan:
    """The exact counts for ``tweets`` mention tweets. Raises UsageError below MIN_TWEETS."""
    if tweets < MIN_TWEETS:
        raise UsageError(f"--tweets must be at least {MIN_TWEETS} (got {tweets})")
    n = tweets
    x = round_half_up(n * 0.004)
    xr = x // 2
    nf = round_half_up(n * 0.09)
    f1 = round_half_up(nf * 0.8)
    f2 = nf - f1
    roots = n - x - xr - f1 - f2
    double = round_half_up(roots * 0.045)
    single = roots - double
    answered = round_half_up(n * KWO16_ANSWERED_PCT / 100)
    af1 = round_half_up(f1 * 0.62)
    af2 = round_half_up(f2 * 0.45)
    ar = answered - xr - af1 - af2
    plan = Plan(
        tweets=n, single=single, double=double, brand_to_brand=x, brand_to_brand_answered=xr,
        followups=f1, followups2=f2, answered_roots=ar, answered_followups=af1, answered_followups2=af2,
        proactive=proactive_for(n), parent_missing=round_half_up(n * 0.0005), retweets=round_half_up(n * 0.035),
        customers=n // 3 + 500,
    )
    # The follow-ups hang off answers, so there must be enough answers to hang them off.
    assert 0 <= f1 <= ar <= roots and f2 <= af1 and plan.mention_tweets == n, plan
    return plan

