"""The dump-file writers (API v1.1 JSON lines, twarc2 v2 pages, the Kaggle twcs CSV). They run
in worker processes (fork) over row ranges of the module-level world that
:func:`write_dump_files` sets."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from .plan import C1, C2, DEL, F1, F2, GZIP_LEVEL, LIM, PP, RDUP, RSELF, RT, XR, P, R, X
from .vocabulary import (
    ANSWERS,
    BIOS,
    C_B2B,
    C_FOLLOWUP,
    C_FOLLOWUP2,
    C_MENTION,
    C_TWO,
    CITIES,
    EMOJI,
    SOURCES_BRAND,
    SOURCES_CUSTOMER,
    T_ANSWER_EXTRA,
    T_BRAND_TO_BRAND_REPLY,
    T_PARENT_MISSING,
    T_PROACTIVE,
    T_PROACTIVE_PARENT,
    T_THREAD,
)
from .world import World

_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# ---------------------------------------------------------------------------------------------
# Writers. They run in worker processes (fork) over row ranges of the module-level world.

_WORLD: World | None = None
_HMS = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
_V1_HMS = [f" {x} +0000 " for x in _HMS]
_ISO_HMS = [f"T{x}.000Z" for x in _HMS]
_DAY0 = int(datetime(2007, 1, 1, tzinfo=UTC).timestamp()) // 86400  # first cached date
_V1_DAYS: list[str] = []
_V1_YEARS: list[str] = []
_ISO_DAYS: list[str] = []
for _d in range(_DAY0, _DAY0 + 12 * 366):
    _dt = datetime(1970, 1, 1) + timedelta(days=_d)
    _V1_DAYS.append(f"{_WEEKDAY_ABBR[_dt.weekday()]} {_MONTH_ABBR[_dt.month - 1]} {_dt.day:02d}")
    _V1_YEARS.append(str(_dt.year))
    _ISO_DAYS.append(f"{_dt.year}-{_dt.month:02d}-{_dt.day:02d}")


def _v1_date(t: int) -> str:
    """Epoch seconds -> ``Wed Oct 10 20:19:24 +0000 2018`` (accounts from 2008 to tweets in 2017)."""
    day, sec = divmod(t, 86400)
    day -= _DAY0
    if not 0 <= day < len(_V1_DAYS):
        return datetime.fromtimestamp(t, UTC).strftime("%a %b %d %H:%M:%S +0000 %Y")
    return _V1_DAYS[day] + _V1_HMS[sec] + _V1_YEARS[day]


def _iso_date(t: int) -> str:
    day, sec = divmod(t, 86400)
    day -= _DAY0
    if not 0 <= day < len(_ISO_DAYS):
        return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return _ISO_DAYS[day] + _ISO_HMS[sec]


class _Sink:
    """A file written under a temporary name, gzip-compressed (isal) when asked, renamed at close."""

    def __init__(self, path: Path, compress: bool, level: int = GZIP_LEVEL):
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        self.f = open(self.tmp, "wb")
        self.z = None
        if compress:
            from isal import isal_zlib

            # wbits 31: a gzip member with mtime 0 and no file name, so the bytes depend on the data only.
            self.z = isal_zlib.compressobj(level, isal_zlib.DEFLATED, 31)
        self.raw_bytes = 0
        self.buf: list[str] = []

    def add(self, line: str) -> None:
        self.buf.append(line)
        if len(self.buf) >= 4096:
            self.flush()

    def flush(self) -> None:
        if not self.buf:
            return
        data = b"".join([line.encode("utf-8") for line in self.buf])
        self.buf = []
        self.raw_bytes += len(data)
        self.f.write(self.z.compress(data) if self.z else data)

    def close(self) -> int:
        self.flush()
        if self.z:
            self.f.write(self.z.flush())
        self.f.close()
        os.replace(self.tmp, self.path)
        return self.path.stat().st_size


# Row tuples: the writers read each job's rows as Python values (numpy scalar access is slow).
_ROW_COLS = ("kind", "t", "tid", "author", "m1", "m2", "aux", "tpl", "agent", "deco", "src", "ptid", "pauthor",
             "n_replies", "n_retweets", "ext", "parent", "conv")


class _Rows:
    def __init__(self, world: World, start: int, end: int):
        ev = world.ev
        self.ev = ev
        self.start, self.end = start, end
        self.rows = list(zip(*(ev[c][start:end].tolist() for c in _ROW_COLS), strict=True))

    def __call__(self, i: int) -> tuple:
        if self.start <= i < self.end:
            return self.rows[i - self.start]
        return tuple(self.ev[c][i].item() for c in _ROW_COLS)


class _Texts:
    """Renders tweet texts with their mention and hashtag offsets (code points, end exclusive)."""

    def __init__(self, world: World, handles: list[str], rows: _Rows):
        self.w = world
        self.rows = rows
        self.handles = handles
        self.k = len(world.brands)
        self.sector = [b.sector for b in world.brands]
        self.agents = [b.agents for b in world.brands]
        self.names = [b.name for b in world.brands]
        self.first_names = world.acc.first_names
        self.answers = [ANSWERS[s] for s in self.sector]
        self.mention_tpl = [C_MENTION[s] for s in self.sector]
        self.cache: dict[int, tuple] = {}
        self.bodies: dict[tuple, tuple[str, str]] = {}
        self.mentions: dict[tuple, tuple] = {}

    def render(self, i: int, row: tuple) -> tuple[str, list[tuple[int, int, int]], list[tuple[str, int, int]]]:
        kind, _, _, author, m1, m2, aux, tpl, agent, deco = row[:10]
        handles = self.handles
        if R <= kind <= RSELF and kind != RT and kind != PP:
            # A brand's reply: "@customer [Hoi Name, ]body ^SIG". Bodies repeat: cache them.
            key = (kind, aux, author, tpl, agent)
            bodies = self.bodies.get(key)
            if bodies is None:
                if kind == R:
                    body = self.answers[author][aux][tpl]
                elif kind == RDUP:
                    body = T_ANSWER_EXTRA[tpl]
                elif kind == P:
                    body = T_PROACTIVE[tpl]
                elif kind == RSELF:
                    body = T_THREAD[tpl]
                else:
                    body = T_PARENT_MISSING[tpl]
                sig = self.agents[author][agent]
                bodies = self.bodies[key] = (f"{body} {sig}", f"{body[0].upper()}{body[1:]} {sig}")
            first = self.first_names[m1]
            h = handles[m1]
            text = f"@{h} Hoi {first}, {bodies[0]}" if deco and first else f"@{h} {bodies[1]}"
            return text, [(m1, 0, len(h) + 1)], []
        if kind <= X or kind == F1 or kind == F2:
            # Customer mentions (and brands mentioning brands): a few thousand distinct texts.
            key = (kind, tpl, m1, m2, deco, author, agent) if kind == X else (kind, tpl, m1, m2, deco)
            hit = self.mentions.get(key)
            if hit is None:
                hit = self.mentions[key] = self._mention_text(kind, author, m1, m2, tpl, agent, deco)
            return hit
        ments: list[tuple[int, int, int]] = []
        tags: list[tuple[str, int, int]] = []
        if kind == XR:
            body = T_BRAND_TO_BRAND_REPLY[tpl]
            h = handles[m1]
            return (f"@{h} {body[0].upper()}{body[1:]} {self.agents[author][agent]}", [(m1, 0, len(h) + 1)], tags)
        if kind == RT:
            hit = self.cache.get(aux)
            orow = self.rows(aux)
            if hit is None:
                hit = self.render(aux, orow)
                self.cache[aux] = hit
            otext, oments, _ = hit
            oauthor = orow[3]
            prefix = "RT @" + handles[oauthor] + ": "
            text = prefix + otext
            ments.append((oauthor, 3, len(prefix) - 2))
            off = len(prefix)
            if len(text) > 140:
                text = text[:139] + "…"
            ments.extend((a, s + off, e + off) for a, s, e in oments if e + off <= 139)
            return text, ments, tags
        if kind == PP:
            name = self.names[aux]
            tag = name.replace(" ", "")
            text = T_PROACTIVE_PARENT[tpl].format(name=name, tag=tag)
            if "#" in text:
                s = text.index("#")
                tags.append((tag, s, s + 1 + len(tag)))
            if deco:
                text += EMOJI[1 + tpl % (len(EMOJI) - 1)]
            return text, ments, tags
        raise AssertionError(f"no text for kind {kind}")  # pragma: no cover

    def _mention_text(self, kind, author, m1, m2, tpl, agent, deco):
        ments: list[tuple[int, int, int]] = []
        handles = self.handles
        if kind == C1:
            parts = self.mention_tpl[m1][tpl]
        elif kind == C2:
            parts = C_TWO[tpl]
        elif kind == F1:
            parts = C_FOLLOWUP[tpl]
        elif kind == F2:
            parts = C_FOLLOWUP2[tpl]
        else:
            parts = C_B2B[tpl]
        slots = (m1, m2)
        text = ""
        for j, part in enumerate(parts):
            if j % 2:
                acct = slots[part]
                h = "@" + handles[acct]
                ments.append((acct, len(text), len(text) + len(h)))
                text += h
            else:
                text += part
        if kind == X:
            text += " " + self.agents[author][agent]
        elif deco:
            text += EMOJI[deco]
        return text, ments, []


def _sources_json() -> tuple[list[str], list[str], list[str], list[str]]:
    cust = [json.dumps(f'<a href="{u}" rel="nofollow">{n}</a>') for u, n in SOURCES_CUSTOMER]
    brand = [json.dumps(f'<a href="{u}" rel="nofollow">{n}</a>') for u, n in SOURCES_BRAND]
    return cust, brand, [n for _, n in SOURCES_CUSTOMER], [n for _, n in SOURCES_BRAND]


class _Accts:
    """Per-format account fields and cached user objects."""

    def __init__(self, world: World, fmt: str):
        acc = world.acc
        self.k = len(world.brands)
        self.acc = acc
        self.world = world
        if fmt == "twcs":  # anonymised customers: numeric ids, also used as their @handle
            anon = [str(100_000 + i) for i in range(len(acc.ids) - self.k)]
            self.ids = [b.handle for b in world.brands] + anon
            self.handles = [b.handle for b in world.brands] + anon
        else:
            self.ids, self.handles = acc.ids, acc.handles
        self.names = acc.names
        self.followers = acc.followers.tolist()
        self.friends = acc.friends.tolist()
        self.statuses = acc.statuses.tolist()
        self.created = acc.created.tolist()
        self.city = acc.city.tolist()
        self._v1: dict[int, str] = {}
        self._v1m: dict[int, str] = {}
        self._v2: dict[int, str] = {}

    def bio(self, a: int) -> str:
        if a < self.k:
            b = self.world.brands[a]
            return f"Webcare van {b.name}. Open: {b.hours}. Wij helpen je graag!"
        return BIOS[self.acc.bio[a]]

    def v1(self, a: int) -> str:
        s = self._v1.get(a)
        if s is None:
            uid = self.ids[a]
            followers, statuses = self.followers[a], self.statuses[a]
            s = (f'{{"id":{uid},"id_str":"{uid}","name":"{self.names[a]}","screen_name":"{self.handles[a]}",'
                 f'"location":"{CITIES[self.city[a]]}","url":null,"description":"{self.bio(a)}",'
                 f'"protected":false,"verified":{"true" if a < self.k else "false"},'
                 f'"followers_count":{followers},"friends_count":{self.friends[a]},'
                 f'"listed_count":{followers // 200},"favourites_count":{statuses // 3},'
                 f'"statuses_count":{statuses},"created_at":"{_v1_date(self.created[a])}",'
                 f'"utc_offset":3600,"time_zone":"Amsterdam","geo_enabled":false,"lang":"nl",'
                 f'"profile_image_url_https":"https://pbs.twimg.com/profile_images/{100_000_000 + a}/avatar_normal.jpg",'
                 f'"default_profile":true,"following":null,"follow_request_sent":null,"notifications":null}}')
            self._v1[a] = s
        return s

    def v1_mention(self, a: int) -> str:
        """A user_mentions entry up to its indices: ``{"screen_name":..,"indices":[``."""
        s = self._v1m.get(a)
        if s is None:
            uid = self.ids[a]
            s = f'{{"screen_name":"{self.handles[a]}","name":"{self.names[a]}","id":{uid},"id_str":"{uid}","indices":['
            self._v1m[a] = s
        return s

    def v2(self, a: int) -> str:
        s = self._v2.get(a)
        if s is None:
            uid = self.ids[a]
            followers = self.followers[a]
            s = (f'{{"id":"{uid}","name":"{self.names[a]}","username":"{self.handles[a]}",'
                 f'"created_at":"{_iso_date(self.created[a])}","description":"{self.bio(a)}",'
                 f'"location":"{CITIES[self.city[a]]}","protected":false,'
                 f'"verified":{"true" if a < self.k else "false"},"public_metrics":{{"followers_count":{followers},'
                 f'"following_count":{self.friends[a]},"tweet_count":{self.statuses[a]},'
                 f'"listed_count":{followers // 200}}},"profile_image_url":"https://pbs.twimg.com/profile_images/'
                 f'{100_000_000 + a}/avatar_normal.jpg","url":""}}')
            self._v2[a] = s
        return s


_ACCTS: dict[str, _Accts] = {}


def _accts(world: World, fmt: str) -> _Accts:
    """One account table per process and format: a worker writing several months reuses the
    user objects it has built (customers come back month after month)."""
    a = _ACCTS.get(fmt)
    if a is None or a.world is not world:
        a = _ACCTS[fmt] = _Accts(world, fmt)
    return a


def _likes(tid: int) -> int:
    return ((tid * 2654435761) >> 17) % 4


class _V1Writer:
    def __init__(self, world: World, rows: _Rows):
        self.rows = rows
        self.accts = _accts(world, "v1")
        self.texts = _Texts(world, self.accts.handles, rows)
        src_c, src_b, _, _ = _sources_json()
        self.k = len(world.brands)
        self.src_c, self.src_b = src_c, src_b

    def tweet(self, i: int, row: tuple, embedded: str = "") -> str:
        a = self.accts
        _, t, tid, author, _, _, _, _, _, _, src, ptid, pauthor, n_rep, n_rt = row[:15]
        text, ments, tags = self.texts.render(i, row)
        if ptid:
            pid = a.ids[pauthor]
            reply = (f'"in_reply_to_status_id":{ptid},"in_reply_to_status_id_str":"{ptid}",'
                     f'"in_reply_to_user_id":{pid},"in_reply_to_user_id_str":"{pid}",'
                     f'"in_reply_to_screen_name":"{a.handles[pauthor]}"')
        else:
            reply = _V1_NO_REPLY
        mention = a.v1_mention
        mj = ",".join([f"{mention(m)}{s},{e}]}}" for m, s, e in ments])
        hj = ",".join([f'{{"text":"{g}","indices":[{s},{e}]}}' for g, s, e in tags]) if tags else ""
        source = self.src_b[src] if author < self.k else self.src_c[src]
        return (f'{{"created_at":"{_v1_date(t)}","id":{tid},"id_str":"{tid}","text":"{text}","source":{source},'
                f'"truncated":false,{reply},"user":{a.v1(author)},"geo":null,"coordinates":null,"place":null,'
                f'"contributors":null,{embedded}"is_quote_status":false,"quote_count":0,"reply_count":{n_rep},'
                f'"retweet_count":{n_rt},"favorite_count":{_likes(tid)},"entities":{{"hashtags":[{hj}],"urls":[],'
                f'"user_mentions":[{mj}],"symbols":[]}},"favorited":false,"retweeted":false,"filter_level":"low",'
                f'"lang":"nl","timestamp_ms":"{t}000"}}')

    def line(self, i: int, row: tuple) -> str:
        kind = row[0]
        if kind == DEL:
            d, u = row[15], self.accts.ids[row[3]]
            return (f'{{"delete":{{"status":{{"id":{d},"id_str":"{d}","user_id":{u},"user_id_str":"{u}"}},'
                    f'"timestamp_ms":"{row[1]}000"}}}}\n')
        if kind == LIM:
            return f'{{"limit":{{"track":{row[15]},"timestamp_ms":"{row[1]}000"}}}}\n'
        if kind == RT:
            orig = row[6]
            return self.tweet(i, row, '"retweeted_status":' + self.tweet(orig, self.rows(orig)) + ",") + "\n"
        return self.tweet(i, row) + "\n"


_V1_NO_REPLY = ('"in_reply_to_status_id":null,"in_reply_to_status_id_str":null,"in_reply_to_user_id":null,'
                '"in_reply_to_user_id_str":null,"in_reply_to_screen_name":null')


class _V2Writer:
    """twarc2 search pages: data (newest first), includes.users/tweets, meta, __twarc."""

    PAGE = 100

    def __init__(self, world: World, rows: _Rows):
        self.rows = rows
        self.accts = _accts(world, "v2")
        self.texts = _Texts(world, self.accts.handles, rows)
        _, _, self.src_c, self.src_b = _sources_json()
        self.k = len(world.brands)

    def tweet(self, i: int, row: tuple, users: dict) -> str:
        a = self.accts
        kind, t, tid, author, _, _, aux, _, _, _, src, ptid, pauthor, n_rep, n_rt, _, _, conv = row
        text, ments, tags = self.texts.render(i, row)
        users[author] = None
        parts = [f'{{"id":"{tid}","text":"{text}","author_id":"{a.ids[author]}","created_at":"{_iso_date(t)}",'
                 f'"conversation_id":"{conv}","lang":"nl",'
                 f'"source":"{self.src_b[src] if author < self.k else self.src_c[src]}","reply_settings":"everyone",'
                 f'"possibly_sensitive":false,"public_metrics":{{"retweet_count":{n_rt},'
                 f'"reply_count":{n_rep},"like_count":{_likes(tid)},"quote_count":0}}']
        if ments or tags:
            ent = []
            if ments:
                for m, _, _ in ments:
                    users[m] = None
                ent.append('"mentions":[' + ",".join(
                    [f'{{"start":{s},"end":{e},"username":"{a.handles[m]}","id":"{a.ids[m]}"}}' for m, s, e in ments])
                    + "]")
            if tags:
                ent.append('"hashtags":[' + ",".join([f'{{"start":{s},"end":{e},"tag":"{g}"}}' for g, s, e in tags])
                           + "]")
            parts.append(',"entities":{' + ",".join(ent) + "}")
        if ptid:
            users[pauthor] = None
            parts.append(f',"in_reply_to_user_id":"{a.ids[pauthor]}","referenced_tweets":'
                         f'[{{"type":"replied_to","id":"{ptid}"}}]')
        elif kind == RT:
            parts.append(f',"referenced_tweets":[{{"type":"retweeted","id":"{self.rows(aux)[2]}"}}]')
        parts.append("}")
        return "".join(parts)

    def page(self, idx: list[int], token: str | None, retrieved: str) -> str:
        users: dict[int, None] = {}
        rows = [self.rows(i) for i in idx]
        data = [self.tweet(i, row, users) for i, row in zip(idx, rows, strict=True)]
        # Referenced tweets that are in the archive come along as includes.tweets (context copies).
        refs: dict[int, None] = {}
        for row in rows:
            if row[16] >= 0:
                refs[row[16]] = None
            if row[0] == RT:
                refs[row[6]] = None
        included = [self.tweet(p, self.rows(p), users) for p in refs]
        ids = [row[2] for row in rows]
        meta = f'"newest_id":"{max(ids)}","oldest_id":"{min(ids)}","result_count":{len(rows)}'
        if token:
            meta += f',"next_token":"{token}"'
        inc = '"users":[' + ",".join([self.accts.v2(u) for u in users]) + "]"
        if included:
            inc += ',"tweets":[' + ",".join(included) + "]"
        return (f'{{"data":[{",".join(data)}],"includes":{{{inc}}},"meta":{{{meta}}},"__twarc":{{"url":'
                f'"{_TWARC_URL}","version":"2.8.2","retrieved_at":"{retrieved}"}}}}\n')


_TWARC_URL = ("https://api.twitter.com/2/tweets/search/all?query=%28%40merken%29"
              "&start_time=2016-01-01T00%3A00%3A00%2B01%3A00&max_results=100")


def _token(name: str, page: int) -> str:
    return hashlib.sha1(f"{name}:{page}".encode()).hexdigest()[:32]


def _write_job(job: tuple) -> tuple[str, int, int, int, int]:
    """Write one file; returns (name, records, tweets, notices, bytes on disk)."""
    name, start, end, path, compress, last = job
    world = _WORLD
    assert world is not None
    sink = _Sink(Path(path), compress)
    rows = _Rows(world, start, end)
    records = tweets = notices = 0
    if world.fmt == "v1":
        wr = _V1Writer(world, rows)
        add, line = sink.add, wr.line
        for i, row in enumerate(rows.rows, start):
            add(line(i, row))
            if row[0] >= DEL:
                notices += 1
        records = end - start
        tweets = records - notices
    elif world.fmt == "v2":
        wr2 = _V2Writer(world, rows)
        idx = [i for i in range(end - 1, start - 1, -1) if rows.rows[i - start][0] < DEL]
        pages = [idx[j:j + _V2Writer.PAGE] for j in range(0, len(idx), _V2Writer.PAGE)]
        base = datetime(2021, 3, 2, 9, 0, tzinfo=UTC) + timedelta(days=int(start % 97))
        for p, page in enumerate(pages):
            token = None if (last and p == len(pages) - 1) else _token(name, p)
            retrieved = (base + timedelta(seconds=3 * p)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
            sink.add(wr2.page(page, token, retrieved))
        tweets = records = len(idx)
    else:
        records = _write_twcs(world, sink, rows)
        tweets = records
    size = sink.close()
    return name, records, tweets, notices, size


def _csv_field(s: str) -> str:
    if "," in s or '"' in s or "\n" in s or "\r" in s:
        return '"' + s.replace('"', '""') + '"'
    return s


def _write_twcs(world: World, sink: _Sink, rows: _Rows) -> int:
    ev = world.ev
    k = len(world.brands)
    accts = _accts(world, "twcs")
    texts = _Texts(world, accts.handles, rows)
    kind = ev["kind"]
    keep = (kind < DEL) & (kind != RT)
    # response_tweet_id: the ids of the replies to each tweet, comma separated.
    child = np.flatnonzero(keep & (ev["parent"] >= 0))
    responses: dict[int, list[int]] = {}
    for c, p in zip(ev["twcs_id"][child].tolist(), ev["parent"][child].tolist(), strict=True):
        responses.setdefault(p, []).append(c)
    sink.add("tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n")
    twcs_id = ev["twcs_id"][rows.start:rows.end].tolist()
    twcs_pid = ev["twcs_pid"][rows.start:rows.end].tolist()
    n = 0
    for j, row in enumerate(rows.rows):
        if row[0] >= DEL or row[0] == RT:
            continue
        i = rows.start + j
        a = row[3]
        text = texts.render(i, row)[0]
        resp = responses.get(i)
        pid = twcs_pid[j]
        sink.add(f"{twcs_id[j]},{accts.ids[a]},{'False' if a < k else 'True'},{_v1_date(row[1])},"
                 f"{_csv_field(text)},{_csv_field(','.join(map(str, sorted(resp)))) if resp else ''},"
                 f"{pid if pid else ''}\n")
        n += 1
    return n


#: Below this many rows the files are written in-process: starting workers would cost more.
PARALLEL_MIN_ROWS = 200_000


def _run_jobs(jobs: list[tuple], workers: int, meanwhile: Callable[[], dict]) -> tuple[list[tuple], dict]:
    """Write the files (in worker processes when it pays); ``meanwhile`` runs here in the meantime."""
    # Largest files first, so the processes finish together.
    ordered = sorted(jobs, key=lambda j: j[1] - j[2])
    if workers <= 1 or len(jobs) <= 1 or sum(j[2] - j[1] for j in jobs) < PARALLEL_MIN_ROWS:
        return [_write_job(j) for j in ordered], meanwhile()
    import multiprocessing as mp

    try:
        ctx = mp.get_context("fork")  # the workers inherit the world instead of unpickling it
    except ValueError:  # pragma: no cover - platforms without fork
        return [_write_job(j) for j in ordered], meanwhile()
    with ctx.Pool(min(workers, len(jobs))) as pool:
        pending = pool.map_async(_write_job, ordered, chunksize=1)
        other = meanwhile()
        return pending.get(), other


def write_dump_files(world: World, jobs: list[tuple], workers: int,
                     meanwhile: Callable[[], dict]) -> tuple[list[tuple], dict]:
    """Write the dump files ``jobs`` of ``world``; returns their (name, records, tweets, notices,
    bytes) and what ``meanwhile`` returned (truth.json, counted while the workers write)."""
    global _WORLD
    _WORLD = world  # forked workers find the world here
    try:
        return _run_jobs(jobs, workers, meanwhile)
    finally:
        _WORLD = None
        _ACCTS.clear()
