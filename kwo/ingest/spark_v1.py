"""v1.1 JSON lines on Spark: each line parsed against an explicit schema and mapped to kwo's
canonical rows exactly as kwo.formats.v1 maps it, or marked *unsure*.

Spark's JSON parser is more lenient than kwo's reader (msgspec): it reads a number where a string
is expected as its text, keeps the first object of ``{...} x`` or ``{...}{...}``, turns a lone
surrogate into ``?`` and undecodable bytes into U+FFFD. kwo's reader quarantines or reads such a
line otherwise, so a line is *sure* only when nothing of the kind can be in it: the checks below
are conservative (a line they doubt may well be fine), and a file with one unsure line is read
by kwo's own reader instead (kwo.ingest.spark_stage). What Spark maps is never approximated: each
rule names the rule of kwo.formats.v1 it follows, whose constants it reuses.
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql import types as T

from ..formats.base import CLOCK_SKEW_MS, EARLIEST_TWEET_MS, MAX_RECORD_BYTES
from ..formats.v1.batches import _CANONICAL_DATE, _MONTH_NAMES
from ..formats.v1.tweet import _LONE_SURROGATE, NOTICE_KEYS, RESPONSE_KEYS, TWEET_KEYS, V2_KEYS

_S = T.StringType()
CORRUPT = "_kwo_corrupt_record"  # Spark's column for a line it cannot parse at all

# The fields kwo.formats.v1.tweet._Tweet projects; numeric ids as text (only their presence is
# used: kwo reads them only where the *_str twin is missing, and such a line is unsure).
_MENTION = T.StructType([T.StructField(n, _S) for n in ("id_str", "id", "screen_name")])
_ENTITIES = T.StructType([T.StructField("user_mentions", T.ArrayType(_MENTION))])
_USER = T.StructType([T.StructField(n, _S) for n in ("id_str", "id", "screen_name")])
_EXTENDED = T.StructType([T.StructField("full_text", _S), T.StructField("entities", _ENTITIES)])


def _tweet_type(embedded: T.DataType) -> T.StructType:
    f = T.StructField
    return T.StructType([
        f("id_str", _S), f("id", _S), f("created_at", _S), f("user", _USER), f("text", _S), f("full_text", _S),
        f("extended_tweet", _EXTENDED), f("entities", _ENTITIES),
        f("in_reply_to_status_id_str", _S), f("in_reply_to_status_id", _S),
        f("in_reply_to_user_id_str", _S), f("in_reply_to_user_id", _S), f("in_reply_to_screen_name", _S),
        f("retweeted_status", embedded), f("quoted_status", embedded), f("quoted_status_id_str", _S),
        f("lang", _S), f("source", _S),
    ])


# A retweet of a quote nests two levels deep; tweets below that are kept as text, only to see that
# there are none (kwo reads any depth; a line with a deeper one is unsure).
_LEVEL2 = _tweet_type(_S)
_TOP = _tweet_type(_tweet_type(_LEVEL2))
#: Top-level keys that decide what a line without id_str is (kwo.formats.v1.tweet._kind).
KIND_KEYS = sorted((NOTICE_KEYS | V2_KEYS | RESPONSE_KEYS) - set(_TOP.fieldNames()))
LINE_SCHEMA = T.StructType(list(_TOP.fields) + [T.StructField(k, _S) for k in KIND_KEYS]
                           + [T.StructField(CORRUPT, _S)])
#: Spark's JSON options closest to strict JSON (its defaults allow 'single quotes' and NaN).
JSON_OPTIONS = {"mode": "PERMISSIVE", "columnNameOfCorruptRecord": CORRUPT, "allowSingleQuotes": "false",
                "allowNonNumericNumbers": "false", "allowNumericLeadingZeros": "false",
                "allowUnquotedControlChars": "false", "allowComments": "false",
                "allowUnquotedFieldNames": "false", "allowBackslashEscapingAnyCharacter": "false"}

# The embedded tweets of a line in the order kwo.formats.v1.records._Reader._add_context adds
# them (a stack: the quoted tweet's own embedded tweets come before the retweeted one's).
SLOTS = ("", "retweeted_status", "quoted_status", "quoted_status.retweeted_status",
         "quoted_status.quoted_status", "retweeted_status.retweeted_status", "retweeted_status.quoted_status")
SLOT_BITS = 3  # _seq = input << 40 | (line position << 3 | slot)

# -- checks on the raw line (conservative: a match makes the line unsure)
_STRING_RE = r'"[^"\\]*+(?:\\.[^"\\]*+)*+"'  # a JSON string (possessive: no backtracking)
_STR_KEYS = ("id_str|created_at|screen_name|text|full_text|in_reply_to_status_id_str|in_reply_to_user_id_str"
             "|in_reply_to_screen_name|quoted_status_id_str|lang|source")
_NUM_KEYS = "id|in_reply_to_status_id|in_reply_to_user_id"
_OBJ_KEYS = "user|extended_tweet|entities|retweeted_status|quoted_status"
_DOUBTS = "|".join([
    rf'"(?:{_STR_KEYS})"\s*:\s*[^\s"n]',  # msgspec wants a string (or null) there; Spark takes any value
    # msgspec takes an int, float, string or null; beyond int64 or a float: unsure (not used by kwo either)
    rf'"(?:{_NUM_KEYS})"\s*:\s*+(?!-?[0-9]{{1,18}}\s*[,}}\]]|"|null)',
    rf'"(?:{_OBJ_KEYS})"\s*:\s*[^\s{{n]',
    r'"user_mentions"\s*:\s*[^\s\[n]',
    r'"(?:[^"\\]|\\.)*\\u[0-9a-fA-F]{4}(?:[^"\\]|\\.)*"\s*:',  # a key spelled with \u escapes
    _LONE_SURROGATE.pattern.decode(),  # kwo patches those before reading; Spark makes them "?"
    "\ufffd|^\ufeff",  # undecodable bytes (Spark's replacement character), a byte-order mark
])
# A key kwo's _kind looks at, present with null: Spark cannot tell it from an absent key.
_NULL_KIND_KEY = r'"(?:{})"\s*:\s*null'.format("|".join(sorted(NOTICE_KEYS | V2_KEYS | RESPONSE_KEYS
                                                                | TWEET_KEYS | {"id_str"})))
_BLANK = r"^[ \t\r\x0b\x0c]*$"  # bytes.isspace's set: not a record (kwo.formats.base.record_lines)
_AMP = "&(?!(?:amp|lt|gt|quot);)"  # an entity other than these four: html.unescape is not reproduced
_NON_ASCII = r"[^\x00-\x7F]"  # Python's and Java's lower() differ beyond ASCII
MAX_DEPTH = 100  # nesting beyond this: unsure (msgspec's limit and Jackson's are not the same)


def is_blank(value: Column) -> Column:
    return value.rlike(_BLANK)


def _one_object(value: Column) -> Column:
    """The line is exactly one JSON object: outside strings, its brackets close the first object
    at the very end and nothing follows (Spark keeps the first object of ``{...} x``)."""
    skeleton = F.regexp_replace(value, _STRING_RE, '""')
    brackets = F.regexp_replace(skeleton, r"[^\[\]{}]", "")
    start = F.struct(F.lit(0).alias("d"), F.lit(0).alias("n"), F.lit(False).alias("early"), F.lit(0).alias("top"))

    def step(acc, c):
        d = acc["d"] + F.when((c == "{") | (c == "["), 1).otherwise(-1)
        return F.struct(d.alias("d"), (acc["n"] + 1).alias("n"),
                        (acc["early"] | ((acc["n"] > 0) & (acc["d"] <= 0))).alias("early"),
                        F.greatest(acc["top"], d).alias("top"))

    walk = F.aggregate(F.split(brackets, ""), start, step)
    return (skeleton.rlike(r"^\s*\{.*\}\s*$") & ~walk["early"] & (walk["d"] == 0) & (walk["top"] <= MAX_DEPTH))


def line_doubts(value: Column) -> Column:
    """True where the raw line may be read otherwise by kwo's reader than by Spark."""
    return (value.rlike(_DOUBTS) | (F.octet_length(value) >= MAX_RECORD_BYTES - 2) | ~_one_object(value))


def _nonempty(c: Column) -> Column:
    return c.isNotNull() & (c != "")


def _tweet_id(text: Column, number: Column | None) -> tuple[Column, Column]:
    """kwo.formats.v1.tweet._id: (value, sure). From the *_str text; a missing text with a
    numeric twin is unsure (kwo reads the number)."""
    value = F.when(_nonempty(text) & text.rlike("^[0-9]{1,19}$"), text.try_cast("bigint"))
    sure = F.when(_nonempty(text), F.coalesce(value > 0, F.lit(False)))
    sure = sure.otherwise(F.lit(True) if number is None else number.isNull())
    return value, sure


def _user_id(text: Column, number: Column) -> tuple[Column, Column]:
    """kwo.formats.v1.tweet._user_id: the text when it is not empty; else the number (unsure)."""
    return F.when(_nonempty(text), text), _nonempty(text) | number.isNull()


def _handle(h: Column) -> tuple[Column, Column]:
    """RowBuilder.add: lower case, "" is None; sure for ASCII handles."""
    return F.when(h != "", F.lower(h)), h.isNull() | ~h.rlike(_NON_ASCII)


def _unescape(text: Column) -> tuple[Column, Column]:
    """kwo.schema.unescape_text (html.unescape when there is an &): the four entities Twitter
    writes, &amp; last so that "&amp;lt;" stays "&lt;" as in html.unescape's one pass."""
    out = text
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&amp;", "&")):
        out = F.replace(out, F.lit(entity), F.lit(char))
    has_amp = text.contains("&")
    return F.when(has_amp, out).otherwise(text), F.coalesce(~(has_amp & text.rlike(_AMP)), F.lit(True))


def _mentions(t: Column) -> tuple[Column, Column]:
    """kwo.formats.v1.tweet._mentions then schema.distinct_mentions: extended_tweet's entities
    first; the first mention of each account (its id, or its handle when it has no id)."""
    ext = t["extended_tweet"]
    entities = F.when(ext.isNotNull() & ext["entities"].isNotNull(), ext["entities"]).otherwise(t["entities"])
    found = F.coalesce(entities["user_mentions"], F.array().cast(T.ArrayType(_MENTION)))
    pairs = F.transform(found, lambda m: F.struct(F.when(_nonempty(m["id_str"]), m["id_str"]).alias("user_id"),
                                                  F.when(m["screen_name"] != "", F.lower(m["screen_name"])).alias("handle")))

    def key(m):
        return F.coalesce(m["user_id"], m["handle"], F.lit(""))  # "" is no key: ids and handles are never ""

    keys = F.transform(pairs, key)
    first = F.filter(pairs, lambda m, i: (key(m) != "") & ~F.array_contains(F.slice(keys, 1, i), key(m)))
    sure = (entities.isNotNull()  # no entities (pre-2010): kwo finds the mentions in the text
            & ~F.exists(found, lambda m: m.isNull())
            & F.forall(found, lambda m: _nonempty(m["id_str"]) | m["id"].isNull())
            & F.forall(found, lambda m: m["screen_name"].isNull() | ~m["screen_name"].rlike(_NON_ASCII)))
    return first, sure


def _created(value: Column, now_ms: int) -> tuple[Column, Column]:
    """kwo.schema.parse_twitter_date + formats.base.plausible_time, for the canonical shape only
    (formats.v1.batches._CANONICAL_DATE: every other shape, or a leap second, is unsure)."""
    months = F.create_map(*[F.lit(x) for i, name in enumerate(_MONTH_NAMES) for x in (name, f"{i + 1:02d}")])
    iso = F.concat_ws("", F.substring(value, 27, 4), F.lit("-"), months[F.substring(value, 5, 3)], F.lit("-"),
                      F.substring(value, 9, 2), F.lit(" "), F.substring(value, 12, 8), F.lit(" +0000"))
    ts = F.try_to_timestamp(iso, F.lit("yyyy-MM-dd HH:mm:ss Z"))
    ms = F.unix_millis(ts)
    sure = (value.rlike(_CANONICAL_DATE) & ts.isNotNull() & (ms >= EARLIEST_TWEET_MS)
            & (ms <= F.lit(now_ms + CLOCK_SKEW_MS)))
    return ts, F.coalesce(sure, F.lit(False))


def tweet_row(t: Column, collected: bool, innermost: bool, now_ms: int) -> Column:
    """One canonical row (kwo.formats.v1.records._Reader._add_row) with its ``sure`` flag,
    null where ``t`` is null. ``source`` is the raw field: its label is kwo's own
    (kwo.schema.source_label), joined in by kwo.ingest.spark_stage."""
    tweet_id, id_sure = _tweet_id(t["id_str"], t["id"])
    created, created_sure = _created(t["created_at"], now_ms)
    user = t["user"]
    author, author_sure = _user_id(user["id_str"], user["id"])
    handle, handle_sure = _handle(user["screen_name"])
    ext = t["extended_tweet"]
    raw_text = F.coalesce(F.when(ext["full_text"] != "", ext["full_text"]),
                          F.when(t["full_text"] != "", t["full_text"]), t["text"])
    text, text_sure = _unescape(raw_text)
    reply_to, reply_sure = _tweet_id(t["in_reply_to_status_id_str"], t["in_reply_to_status_id"])
    reply_user, reply_user_sure = _user_id(t["in_reply_to_user_id_str"], t["in_reply_to_user_id"])
    reply_handle, reply_handle_sure = _handle(t["in_reply_to_screen_name"])
    rt, qt = t["retweeted_status"], t["quoted_status"]
    quote_text, quote_sure = _tweet_id(t["quoted_status_id_str"], None)
    if innermost:  # its embedded tweets are text here, and must be absent
        retweet_of = F.lit(None).cast("bigint")
        quote_of = quote_text
        deeper_sure = rt.isNull() & qt.isNull()
    else:
        retweet_of = F.when(rt.isNotNull(), _tweet_id(rt["id_str"], rt["id"])[0])
        quote_of = F.coalesce(quote_text, F.when(qt.isNotNull(), _tweet_id(qt["id_str"], qt["id"])[0]))
        deeper_sure = F.lit(True)
    mentions, mentions_sure = _mentions(t)
    sure = (id_sure & created_sure & author_sure & handle_sure & text_sure & reply_sure & reply_user_sure
            & reply_handle_sure & quote_sure & mentions_sure & deeper_sure)
    row = F.struct(
        tweet_id.alias("tweet_id"), created.alias("created_at"), author.alias("author_id"),
        handle.alias("author_handle"), text.alias("text"), reply_to.alias("in_reply_to_tweet_id"),
        reply_user.alias("in_reply_to_user_id"), reply_handle.alias("in_reply_to_handle"),
        F.lit(None).cast("bigint").alias("conversation_id"), retweet_of.alias("retweet_of_id"),
        quote_of.alias("quote_of_id"), retweet_of.isNotNull().alias("is_retweet"), mentions.alias("mentions"),
        t["lang"].alias("lang"), t["source"].alias("source"), F.lit(None).cast("boolean").alias("inbound"),
        F.lit(collected).alias("collected"), F.coalesce(sure, F.lit(False)).alias("sure"),
    )
    return F.when(t.isNotNull(), row)


def line_rows(j: Column, now_ms: int) -> Column:
    """The rows of a parsed line, one per slot of SLOTS (null where there is no such tweet)."""
    rows = []
    for slot in SLOTS:
        t = j
        for name in filter(None, slot.split(".")):
            t = t[name]
        rows.append(tweet_row(t, collected=not slot, innermost=slot.count(".") == 1, now_ms=now_ms))
    return F.array(*rows)


def line_kind(j: Column, value: Column) -> Column:
    """What a line is: "tweet", "notice", or "unsure" (everything kwo's reader would quarantine,
    and what Spark cannot classify as it does: a search response, a key present with null)."""
    present = [j[k].isNotNull() for k in KIND_KEYS if k in NOTICE_KEYS]
    other = [j[k].isNotNull() for k in sorted((V2_KEYS | RESPONSE_KEYS | TWEET_KEYS) - {"id"})]
    other.append(j["id"].isNotNull())
    notice = (_any(present) & ~_any(other) & ~value.rlike(_NULL_KIND_KEY))
    return (F.when(j.isNull() | j[CORRUPT].isNotNull() | line_doubts(value), "unsure")
            .when(j["id_str"].isNotNull(), "tweet")
            .when(notice, "notice")
            .otherwise("unsure"))


def _any(conditions: list[Column]) -> Column:
    out = F.lit(False)
    for c in conditions:
        out = out | c
    return out
