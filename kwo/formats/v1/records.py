"""Records to rows: :class:`_Reader` turns v1.1 records (JSON lines, document elements, decoded
values) into rows, notices and quarantine entries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import msgspec
import pyarrow as pa

from ...schema import (
    parse_twitter_date,
    source_label,
    unescape_text,
)
from ..base import (
    ReadContext,
    plausible_time,
)
from ..reasons import invalid_json, wrong_type
from .batches import _NotPlain, _run_batch, _with_context
from .tweet import (
    _DATES,
    _SOURCES,
    _UNSEEN,
    UNKNOWN_REASON,
    V2_REASON,
    _decode_tweet,
    _encode,
    _id,
    _json_type,
    _kind,
    _mentions,
    _remember,
    _Tweet,
    _user_id,
    _without_lone_surrogates,
)

# Tweets converted together (see _Reader.lines); a run's lines and tweets are held until then.
_RUN_LINES = 4096


# ---------------------------------------------------------------------------------------------
# Records to rows


class _Reader:
    """Turns records (raw JSON bytes or decoded values) into rows, notices and quarantine entries."""

    def __init__(self, ctx: ReadContext):
        self.ctx = ctx
        self.builder = ctx.builder()
        self.ready: list[pa.RecordBatch] = []
        self.pending: list[tuple[int | None, bytes, _Tweet | None, bool]] = []  # the run being gathered

    def take(self) -> list[pa.RecordBatch]:
        ready, self.ready = self.ready, []
        return ready

    def lines(self, lines: Iterable[tuple[int, bytes]]) -> Iterator[pa.RecordBatch]:
        """Batches from records given one per line, converted a run of lines at a time."""
        element = self.element
        for number, data in lines:
            element(number, data)
            if self.ready:
                yield from self.take()
        yield from self.finish()

    def element(self, line: int | None, data: bytes, in_response: bool = False) -> None:
        """One record (a line of a JSON-lines file, an element or top-level object of a JSON
        document), gathered into a run; a full run is converted, ``flush`` converts the rest."""
        try:
            t = _decode_tweet(data)
        except (ValueError, RecursionError):
            t = None
        self.pending.append((line, data, t if t is not None and t.id_str is not None else None, in_response))
        if len(self.pending) >= _RUN_LINES:
            self.flush()

    def flush(self) -> None:
        run, self.pending = self.pending, []
        self._run(run)

    def _run(self, run: list[tuple[int | None, bytes, _Tweet | None, bool]]) -> None:
        """Rows, notices and quarantine entries of a run of records (``None``: not a tweet), in
        their order, as ``one`` would give them record by record.

        The tweets are converted column by column (_run_batch); when that cannot be done
        exactly, the whole run goes row by row. Any other line (a notice, a broken record, a
        search response) goes through the per-row path in its place: rows it adds come between
        the tweets before and after it.
        """
        tweets = [t for _, _, t, _ in run if t is not None]
        batch = None
        if tweets:
            try:
                rows, collected = _with_context(tweets)
                batch = _run_batch(rows, collected, self.ctx.path)
            except (_NotPlain, ValueError):  # pyarrow's ArrowInvalid is a ValueError
                self._row_by_row(run)
                return
        done = 0  # rows of batch handed out
        seen = 0  # tweets before the current line
        starts = None  # the row of each tweet in batch (embedded tweets follow theirs)
        for number, data, t, in_response in run:
            if t is not None:
                seen += 1
                continue
            mark = len(self.ready)
            self._slow(number, data, in_response)
            if len(self.builder):
                self.ready.append(self.builder.flush())
            if batch is not None and len(self.ready) > mark:
                if starts is None:
                    starts = range(len(tweets)) if collected is None else [i for i, c in enumerate(collected) if c]
                cut = starts[seen] if seen < len(tweets) else batch.num_rows
                self.ready[mark:mark] = self._slices(batch.slice(done, cut - done))
                done = cut
        if batch is not None:
            self.ready += self._slices(batch.slice(done))

    def _slices(self, batch: pa.RecordBatch) -> list[pa.RecordBatch]:
        step = self.ctx.batch_rows
        return [batch.slice(i, step) for i in range(0, batch.num_rows, step)]

    def _row_by_row(self, run: list[tuple[int | None, bytes, _Tweet | None, bool]]) -> None:
        for number, data, t, in_response in run:
            if t is None:
                self._slow(number, data, in_response)
            else:
                self.tweet(t, number, data)
        if len(self.builder):
            self.ready.append(self.builder.flush())

    def finish(self) -> list[pa.RecordBatch]:
        self.flush()
        last = self.builder.flush()
        if last is not None:
            self.ready.append(last)
        return self.take()

    def one(self, line: int | None, data: bytes, in_response: bool = False) -> None:
        """One record given as JSON bytes (a line, an array element, a top-level object)."""
        try:
            t = _decode_tweet(data)
        except (ValueError, RecursionError):  # msgspec.DecodeError, or invalid UTF-8 in a string
            self._slow(line, data, in_response)
            return
        if t.id_str is not None:
            self.tweet(t, line, data)
        else:
            self._slow(line, data, in_response)

    def tweet(self, t: _Tweet, line: int | None, raw: bytes | dict) -> None:
        try:
            self._add_row(t, True)
        except ValueError as exc:
            self._quarantine(line, str(exc), raw)
            return
        if t.retweeted_status is not None or t.quoted_status is not None:
            self._add_context(t)

    def _add_context(self, t: _Tweet) -> None:
        # Embedded tweets are context rows, not records: one that cannot be read is left out
        # (the tweet that carries it is kept). A retweet of a quote nests two levels deep.
        pending = [t]
        while pending:
            outer = pending.pop()
            for inner in (outer.retweeted_status, outer.quoted_status):
                if inner is None:
                    continue
                try:
                    self._add_row(inner, False)
                except ValueError:
                    continue
                pending.append(inner)

    def _add_row(self, t: _Tweet, collected: bool) -> None:
        """Add one row; raises ValueError (saying why) before adding anything."""
        tweet_id = _id(t.id_str, t.id, "id")
        if tweet_id is None:
            raise ValueError("missing id")
        created = t.created_at
        if created is None:
            raise ValueError("missing created_at")
        created_ms = _DATES.get(created)
        if created_ms is None:
            created_ms = _remember(_DATES, created, plausible_time(parse_twitter_date(created), created))
        source = _SOURCES.get(t.source, _UNSEEN)
        if source is _UNSEEN:
            source = _remember(_SOURCES, t.source, source_label(t.source))
        user = t.user
        ext = t.extended_tweet
        text = unescape_text((ext.full_text if ext is not None else None) or t.full_text or t.text)
        quoted = t.quoted_status
        quote_of = _id(t.quoted_status_id_str, None, "quoted_status_id")
        if quote_of is None and quoted is not None:
            quote_of = _id(quoted.id_str, quoted.id, "quoted_status.id")
        retweeted = t.retweeted_status
        b = self.builder
        b.add(
            tweet_id,
            created_ms,
            None if user is None else _user_id(user.id_str, user.id, "user.id"),
            None if user is None else user.screen_name,
            text,
            in_reply_to_tweet_id=_id(
                t.in_reply_to_status_id_str, t.in_reply_to_status_id, "in_reply_to_status_id"
            ),
            in_reply_to_user_id=_user_id(
                t.in_reply_to_user_id_str, t.in_reply_to_user_id, "in_reply_to_user_id"
            ),
            in_reply_to_handle=t.in_reply_to_screen_name,
            retweet_of_id=None
            if retweeted is None
            else _id(retweeted.id_str, retweeted.id, "retweeted_status.id"),
            quote_of_id=quote_of,
            mentions=_mentions(t, text),
            lang=t.lang,
            source=source,
            collected=collected,
        )
        if b.full:
            self.ready.append(b.flush())

    def _slow(self, line: int | None, data: bytes, in_response: bool) -> None:
        try:
            obj = msgspec.json.decode(data)
        except ValueError:
            if not data.strip():  # blank lines are not records
                return
            patched = _without_lone_surrogates(data)
            if patched != data:
                self.one(line, patched, in_response)
            else:
                self._quarantine(line, invalid_json(data), data)
            return
        except RecursionError:
            self._quarantine(line, "JSON nested too deeply", data)
            return
        self.value(obj, line, data, in_response)

    def value(self, obj: object, line: int | None, raw: bytes | None, in_response: bool) -> None:
        """One record given as a decoded JSON value."""
        if not isinstance(obj, dict):
            self._quarantine(line, f"not a JSON object but {_json_type(obj)}", raw or obj)
            return
        kind = _kind(obj)
        if kind == "tweet":
            try:
                t = msgspec.convert(obj, _Tweet)
            except msgspec.ValidationError:
                self._quarantine(line, f"unexpected value in a tweet: {wrong_type(obj, _Tweet)}", raw or obj)
                return
            except RecursionError:
                self._quarantine(line, "tweets nested too deeply", raw or obj)
                return
            self.tweet(t, line, raw or obj)
        elif kind == "notice":
            self.ctx.notice()
        elif kind == "response" and not in_response:
            self._response(obj, line, raw)
        elif kind == "v2":
            self._quarantine(line, V2_REASON, raw or obj)
        elif kind == "response":
            self._quarantine(line, "a search response inside a search response", raw or obj)
        else:
            self._quarantine(line, UNKNOWN_REASON, raw or obj)

    def _response(self, obj: dict, line: int | None, raw: bytes | None) -> None:
        key = "statuses" if "statuses" in obj else "results"
        items = obj[key]
        if not isinstance(items, list):
            self._quarantine(line, f'"{key}" of a search response is not an array', raw or obj)
        elif not items:
            # An empty result page: still one record, so that no line goes unaccounted.
            self.ctx.notice()
        else:
            for item in items:
                self.value(item, line, None, True)

    def _quarantine(self, line: int | None, reason: str, raw: bytes | object) -> None:
        data = raw.rstrip(b"\r\n") if isinstance(raw, bytes) else _encode(raw)
        self.ctx.quarantine(line, reason, data)
