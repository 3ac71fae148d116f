"""The rows of a report's figures as plain dataclasses (one class per metric's row), with the
parameters, totals, coverage and details they come with. kwo.metrics.registry says which SQL file
fills which row type; kwo.metrics.results.Report holds them together."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from .intervals import wilson_pct

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # ISO weekday = index + 1

@dataclass
class Parameters:
    tz: str
    mode: str  # "direct" | "thread"
    window: str | None
    window_minutes: float | None
    since: str | None
    until: str | None
    since_utc: str | None  # the instants the period bounds stand for (mention time >= since_utc)
    until_utc: str | None  # (mention time < until_utc)
    roster: str  # the roster file, or how the brands were derived
    roster_sha256: str | None
    roster_brands: int
    archive: str
    archive_fingerprint: str
    kwo_version: str
    caveat_thresholds: dict = field(default_factory=dict)  # kwo.caveats.Thresholds as a dict
    brand_filter: list = field(default_factory=list)  # --brand: the handles kept (empty: every brand)
    sector_filter: list = field(default_factory=list)  # --sector: the sectors kept (empty: every sector)


@dataclass
class Totals:
    mention_tweets: int
    mention_pairs: int
    answered: int
    answered_pct: float | None
    answered_pairs: int
    brands_mentioned: int
    brand_replies: int
    replies_to_mentions: int
    proactive_replies: int
    replies_parent_missing: int
    replies_to_self: int
    peak_hour: int | None = None
    peak_hour_mentions: int | None = None
    median_response_minutes: float | None = None
    p90_response_minutes: float | None = None
    mean_response_minutes: float | None = None
    # kwo.metrics.bands: the share of all mention pairs answered within each guideline threshold
    answered_within_30m_pct: float | None = None
    answered_within_1h_pct: float | None = None
    answered_within_4h_pct: float | None = None
    answered_within_8h_pct: float | None = None
    answered_within_24h_pct: float | None = None
    answered_within_48h_pct: float | None = None
    question_tweets: int | None = None  # mention pairs (tweets, in totals and sectors) that are questions
    questions_answered: int | None = None
    questions_answered_pct: float | None = None
    dm_handoff_replies: int | None = None  # replies to mentions that hand off to a private channel
    dm_handoff_pct: float | None = None  # ... of the replies to mentions
    median_business_response_minutes: float | None = None
    p90_business_response_minutes: float | None = None
    agents: int = 0  # distinct signatures per brand, summed over the brands (issue 19)
    signed_replies: int = 0
    signed_pct: float | None = None

    @property
    def answered_pct_ci(self) -> list[float] | None:
        """The Wilson 95% interval of answered_pct, [low, high] in percent (kwo.metrics.intervals)."""
        return wilson_pct(self.answered, self.mention_tweets)

    @property
    def questions_answered_pct_ci(self) -> list[float] | None:
        return wilson_pct(self.questions_answered, self.question_tweets)

    @property
    def peak_hour_label(self) -> str | None:
        return hour_label(self.peak_hour) if self.peak_hour is not None else None


@dataclass
class HourRow:
    hour: int
    mentions: int
    answered: int
    answered_pct: float | None
    median_response_minutes: float | None
    p90_response_minutes: float | None
    mentions_while_closed: int
    closed_pct: float | None

    @property
    def label(self) -> str:
        return hour_label(self.hour)

    @property
    def answered_pct_ci(self) -> list[float] | None:
        """The Wilson 95% interval of answered_pct, [low, high] in percent (kwo.metrics.intervals)."""
        return wilson_pct(self.answered, self.mentions)


@dataclass
class WeekdayHourRow:
    weekday: int  # ISO, 1 = Monday
    hour: int
    mentions: int
    answered: int

    @property
    def weekday_name(self) -> str:
        return WEEKDAYS[self.weekday - 1]


@dataclass
class BucketRow:
    bucket: str
    count: int
    pct: float | None
    answered_pct: float | None
    # kwo.metrics.bands: the band in words, and the cumulative share up to its upper bound
    band: str | None = None
    within: str | None = None
    within_pct: float | None = None  # of all pairs
    within_answered_pct: float | None = None  # of the answered pairs


@dataclass
class BrandRow:
    handle: str
    name: str
    sector: str
    mentions: int
    answered: int
    answered_pct: float | None
    median_response_minutes: float | None
    p90_response_minutes: float | None
    brand_replies: int
    replies_to_mentions: int
    proactive_replies: int
    replies_parent_missing: int
    replies_to_self: int
    hours: str | None
    tz: str | None
    mentions_while_closed: int | None
    closed_pct: float | None
    # kwo.metrics.bands: the share of the brand's mention pairs answered within each guideline threshold
    answered_within_30m_pct: float | None = None
    answered_within_1h_pct: float | None = None
    answered_within_4h_pct: float | None = None
    answered_within_8h_pct: float | None = None
    answered_within_24h_pct: float | None = None
    answered_within_48h_pct: float | None = None
    question_tweets: int | None = None  # mention pairs (tweets, in totals and sectors) that are questions
    questions_answered: int | None = None
    questions_answered_pct: float | None = None
    dm_handoff_replies: int | None = None  # replies to mentions that hand off to a private channel
    dm_handoff_pct: float | None = None  # ... of the replies to mentions
    median_business_response_minutes: float | None = None  # the clock stops while closed (roster hours)
    p90_business_response_minutes: float | None = None
    agents: int = 0  # distinct signatures under its replies (reply_signatures)
    signed_replies: int = 0
    signed_pct: float | None = None

    @property
    def answered_pct_ci(self) -> list[float] | None:
        """The Wilson 95% interval of answered_pct, [low, high] in percent (kwo.metrics.intervals)."""
        return wilson_pct(self.answered, self.mentions)

    @property
    def questions_answered_pct_ci(self) -> list[float] | None:
        return wilson_pct(self.questions_answered, self.question_tweets)


@dataclass
class SectorRow:
    sector: str
    brands: int
    mention_tweets: int
    answered: int
    answered_pct: float | None
    mention_pairs: int
    answered_pairs: int
    median_response_minutes: float | None
    proactive_replies: int
    replies_parent_missing: int
    question_tweets: int | None = None  # mention pairs (tweets, in totals and sectors) that are questions
    questions_answered: int | None = None
    questions_answered_pct: float | None = None
    dm_handoff_replies: int | None = None  # replies to mentions that hand off to a private channel
    dm_handoff_pct: float | None = None  # ... of the replies to mentions
    median_business_response_minutes: float | None = None
    p90_business_response_minutes: float | None = None
    agents: int = 0  # distinct signatures per brand of the sector, summed
    signed_replies: int = 0
    signed_pct: float | None = None

    @property
    def answered_pct_ci(self) -> list[float] | None:
        """The Wilson 95% interval of answered_pct, [low, high] in percent (kwo.metrics.intervals)."""
        return wilson_pct(self.answered, self.mention_tweets)

    @property
    def questions_answered_pct_ci(self) -> list[float] | None:
        return wilson_pct(self.questions_answered, self.question_tweets)


@dataclass
class BrandMonthRow:
    handle: str
    month: str  # YYYY-MM in the report time zone
    mentions: int
    answered: int
    answered_pct: float | None
    median_response_minutes: float | None

    @property
    def answered_pct_ci(self) -> list[float] | None:
        return wilson_pct(self.answered, self.mentions)


@dataclass
class BrandWeekRow:
    handle: str
    week: str  # ISO week, YYYY-Www, in the report time zone
    week_start: str  # its Monday, YYYY-MM-DD
    mentions: int
    answered: int
    answered_pct: float | None
    median_response_minutes: float | None

    @property
    def answered_pct_ci(self) -> list[float] | None:
        return wilson_pct(self.answered, self.mentions)


@dataclass
class AgentRow:
    """One agent of a brand: a signature under its replies (kwo/sql/metrics/brand_agents.sql)."""

    handle: str
    agent: str  # the signature as written: '^AB', '-Sanne'
    replies: int
    replies_to_mentions: int
    median_response_minutes: float | None
    hours_active: int  # distinct clock hours (date and hour) with one of its replies


@dataclass
class MonthRow:
    month: str  # YYYY-MM in the report time zone
    tweets: int  # collected tweets of the archive (whatever the period)
    mention_tweets: int  # mention tweets of the period
    answered: int


@dataclass
class SectorBucketRow:
    sector: str
    bucket: str
    count: int
    pct: float | None  # of the sector's mention pairs


@dataclass
class ExampleRow:
    tweet_id: str  # text: tweet ids exceed the precision of a JSON number
    local_time: str
    brands: str
    text: str | None


@dataclass
class Coverage:
    """What the archive holds: its time span, tweets per month and the ingest accounting. Every
    report has it (Report.coverage), whatever its period: the figures can only be as complete as
    the collection."""

    first_tweet: str | None  # collected tweets, 'YYYY-MM-DD HH:MM' in the report time zone
    last_tweet: str | None
    first_mention: str | None  # mention tweets of the period
    last_mention: str | None
    collected_tweets: int
    context_tweets: int
    input_files: int  # from the manifest
    records_read: int
    notices: int
    duplicates: int
    quarantined: int
    months: list[MonthRow] = field(default_factory=list)  # first to last month with tweets, empty ones too
    months_without_tweets: list[str] = field(default_factory=list)  # YYYY-MM of months without a collected tweet


@dataclass
class Details:
    """What the HTML report shows besides the figures of the other formats (Metrics.details)."""

    sector_response_times: list[SectorBucketRow] = field(default_factory=list)
    examples_hour: int | None = None  # the hour of the examples (the peak hour)
    unanswered_examples: list[ExampleRow] = field(default_factory=list)


def hour_label(hour: int) -> str:
    return f"{hour:02d}:00-{(hour + 1) % 24:02d}:00" if hour != 23 else "23:00-24:00"


def clean_values(d: dict) -> dict:
    """Floats rounded to 3 decimals for JSON (counts are exact)."""
    return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in d.items()}


def row_objects(cls, rows: list[dict]):
    """Query rows (dicts) as ``cls`` objects; columns the class does not have are dropped."""
    names = {f.name for f in fields(cls)}
    return [cls(**{k: v for k, v in r.items() if k in names}) for r in rows]
