"""The HTML report (kwo/report/html.py): the same figures as the JSON report, no network reference
of any kind, every text from the data escaped, and the coverage and the details it adds (buckets
per sector, example tweets) as counted by hand."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kwo.metrics import build_report
from kwo.render import view_data
from kwo.render.html import fmt_duration, render_html

from . import handmade as hm
from .kwo_cli import run_kwo as run

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


# ---------------------------------------------------------------------------------------------
# Reading the HTML back


class Element:
    def __init__(self, tag: str, attrs: dict):
        self.tag = tag
        self.attrs = attrs
        self.parts: list[str] = []
        self.table: str | None = None
        self.in_body = False
        self.row: Element | None = None

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """Every element with its attributes and text content, the declarations, as the browser's
    HTML parser would see them (entities decoded)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.decls: list[str] = []
        self._open: list[Element] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        el = Element(tag, {k: (v if v is not None else "") for k, v in attrs})
        # the table body row and the table an element is in (tables do not nest here)
        el.table = next((o.attrs.get("id") for o in reversed(self._open) if o.tag == "table"), None)
        el.in_body = any(o.tag == "tbody" for o in self._open)
        el.row = next((o for o in reversed(self._open) if o.tag == "tr"), None) if el.in_body else None
        self.elements.append(el)
        if tag not in VOID:
            self._open.append(el)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, {k: (v if v is not None else "") for k, v in attrs}))

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for el in self._open:
            el.parts.append(data)

    def handle_decl(self, decl):
        self.decls.append(decl)

    def find_all(self, tag: str | None = None, **attrs) -> list[Element]:
        attrs = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [e for e in self.elements
                if (tag is None or e.tag == tag) and all(e.attrs.get(k) == v for k, v in attrs.items())]

    def find(self, tag: str | None = None, **attrs) -> Element:
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, (tag, attrs, found)
        return found[0]


# The rule for "no network reference of any kind", checked on what an HTML parser sees:
# - Namespace declarations (xmlns, xmlns:xlink = "http://www.w3.org/...") are identifiers that
#   are never fetched; they are set aside. No other attribute of any element may hold a URL
#   ("scheme://" or "//host") -- that covers src, href, xlink:href, srcset, action, poster, data,
#   style -- and every href must be a fragment ("#section").
# - No element that loads something by existing: link, iframe, frame, object, embed, img, audio,
#   video, source, track, base, and no <meta http-equiv="refresh">.
# - CSS (style elements and style attributes): no @import and no url() other than url(#fragment).
# - Scripts: inline only (no src), and none of fetch(, XMLHttpRequest, WebSocket, EventSource,
#   sendBeacon, import(, "http".
# - The DOCTYPE names no DTD URL.
# Text content may contain URLs (a tweet's text): text is shown, never loaded.
LOADING_ELEMENTS = {"link", "iframe", "frame", "object", "embed", "img", "audio", "video", "source", "track", "base"}
_URL_RE = re.compile(r"[a-z][a-z0-9+.-]*://|^\s*//", re.I)
_CSS_URL_RE = re.compile(r"url\(\s*['\"]?(?!#)", re.I)
_SCRIPT_NETWORK = ("fetch(", "xmlhttprequest", "websocket", "eventsource", "sendbeacon", "import(", "http")


def network_references(text: str) -> list[str]:
    page = Page(text)
    bad = [f"declaration {d!r}" for d in page.decls if "//" in d]
    for el in page.elements:
        if el.tag in LOADING_ELEMENTS:
            bad.append(f"<{el.tag}> element")
        if el.tag == "meta" and el.attrs.get("http-equiv", "").lower() == "refresh":
            bad.append("meta refresh")
        for name, value in el.attrs.items():
            if name == "xmlns" or name.startswith("xmlns:"):
                continue
            if _URL_RE.search(value):
                bad.append(f"<{el.tag} {name}={value!r}>")
            if name == "href" and not value.startswith("#"):
                bad.append(f"<{el.tag} href={value!r}>")
            if name == "style" and (_CSS_URL_RE.search(value) or "@import" in value):
                bad.append(f"<{el.tag} style={value!r}>")
        if el.tag == "style" and (_CSS_URL_RE.search(el.text) or "@import" in el.text.lower()):
            bad.append("url() or @import in a style sheet")
        if el.tag == "script":
            if "src" in el.attrs:
                bad.append(f"<script src={el.attrs['src']!r}>")
            if el.attrs.get("type") != "application/json":
                lowered = el.text.lower()
                bad += [f"script uses {word}" for word in _SCRIPT_NETWORK if word in lowered]
    return bad


def test_the_network_rule_catches_what_it_should():
    clean = '<!DOCTYPE html><svg xmlns="http://www.w3.org/2000/svg"><path clip-path="url(#p1)"/></svg>' \
            '<a href="#x">x</a><p>see https://example.com</p>'
    assert network_references(clean) == []
    for bad in ['<img src="x.png">', '<script src="//cdn.example/x.js"></script>', '<a href="https://e.x/">',
                '<div style="background: url(http://e.x/a.png)">', "<style>@import 'x.css';</style>",
                '<use xlink:href="http://e.x/s.svg#a"/>', '<link rel="stylesheet" href="s.css">',
                "<script>fetch('/x')</script>", '<form action="https://e.x/"></form>',
                '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">',
                '<meta http-equiv="refresh" content="0">', '<div style="background:url(a.png)">']:
        assert network_references(bad), bad


def embedded_data(page: Page) -> dict:
    return json.loads(page.find("script", id="kwo-data").text)


def number(text: str):
    """A data-value/data-sort attribute: empty is None, a number is a float, anything else text."""
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return text


# ---------------------------------------------------------------------------------------------
# The sample archive: the figures of the HTML are the figures of the JSON report


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from kwo.ingest import ingest

    archive = tmp_path_factory.mktemp("sample") / "archive"
    result = ingest(sorted(str(p) for p in SAMPLE.glob("*.jsonl.gz")), archive, workers=1)
    return archive, SAMPLE / "brands.csv", result


@pytest.fixture(scope="module")
def sample_json(sample):
    archive, brands, _ = sample
    return json.loads(run("report", "-a", archive, "-b", brands, "--format", "json").stdout)


@pytest.fixture(scope="module")
def sample_html(sample, tmp_path_factory):
    archive, brands, _ = sample
    out = tmp_path_factory.mktemp("html") / "report.html"
    run("report", "-a", archive, "-b", brands, "--format", "html", "--output", out)
    return out.read_text(encoding="utf-8")


def test_embedded_figures_are_the_json_report(sample_json, sample_html):
    data = embedded_data(Page(sample_html))
    details = data.pop("details")
    assert data == sample_json
    assert set(details) == {"sector_response_times", "examples_hour", "unanswered_examples"}


def test_headline_figures_shown(sample_json, sample_html):
    page = Page(sample_html)
    totals = sample_json["totals"]
    assert totals["mention_tweets"] == 10_000  # sample_data/README.md
    shown = {}
    for kpi in page.find_all("div", **{"class": "kpi"}):
        key = kpi.attrs["data-key"]
        assert number(kpi.attrs["data-value"]) == totals[key], key
        shown[key] = re.sub(r"\s+", " ", kpi.text).strip()
    assert shown["mention_tweets"].startswith("10,000 mention tweets")
    assert shown["answered_pct"].startswith("58.0% answered 5,800 answered")
    assert shown["proactive_replies"].startswith("524 proactive replies")
    assert shown["peak_hour"].startswith("17:00-18:00 peak hour 847 mention tweets")
    intro = re.sub(r"\s+", " ", page.find_all("p", **{"class": "intro"})[0].text)
    assert "Most mention tweets arrive between 17:00 and 18:00: 847, 8.5% of all." in intro


def test_tables_carry_the_json_values(sample_json, sample, sample_html):
    page = Page(sample_html)
    # brands: one row each, in the JSON order, every cell's exact value in data-sort
    rows = [e for e in page.elements if e.tag == "tr" and "data-handle" in e.attrs]
    assert [r.attrs["data-handle"] for r in rows] == [b["handle"] for b in sample_json["brands"]]
    cells = [e for e in page.elements if e.tag == "td" and "data-sort" in e.attrs and "data-key" in e.attrs]
    assert len(cells) == 5 * len(rows)
    by_brand = iter(cells)
    for b in sample_json["brands"]:
        for key in ("mentions", "answered_pct", "median_response_minutes", "proactive_replies", "closed_pct"):
            cell = next(by_brand)
            assert cell.attrs["data-key"] == key
            assert number(cell.attrs["data-sort"]) == b[key], (b["handle"], key)
    first = sample_json["brands"][0]
    assert f"{first['mentions']:,}" in [c.text for c in cells[:5]]
    # hours and sectors
    for h in sample_json["hourly"]:
        row = page.find("tr", **{"data-hour": str(h["hour"])})
        tds = {}
        for e in page.elements[page.elements.index(row) + 1:]:
            if e.tag == "tr":
                break
            if "data-key" in e.attrs:
                tds[e.attrs["data-key"]] = number(e.attrs["data-value"])
        assert tds == {k: h[k] for k in tds}, h["hour"]
        assert set(tds) == {"mentions", "answered", "answered_pct", "median_response_minutes",
                            "p90_response_minutes", "closed_pct"}
    sectors = [e.attrs["data-sector"] for e in page.elements if "data-sector" in e.attrs]
    assert sectors == [s["sector"] for s in sample_json["sectors"]]
    # coverage: the ingest accounting
    _, _, ingested = sample
    for key in ("records_read", "notices", "duplicates", "quarantined"):
        assert embedded_data(page)["coverage"][key] == getattr(ingested, key)
    for key in ("records_read", "quarantined"):
        assert number(page.find("dd", **{"data-key": key}).attrs["data-value"]) == getattr(ingested, key)
    assert number(page.find("dd", **{"data-key": "replies_parent_missing"}).attrs["data-value"]) == \
        sample_json["totals"]["replies_parent_missing"]


def test_no_network_reference(sample_html):
    assert network_references(sample_html) == []
    assert sample_html.startswith("<!DOCTYPE html>")


def test_every_chart_is_inline_svg(sample_html):
    from kwo.render.charts import chart_names

    page = Page(sample_html)
    svgs = page.find_all("svg")
    # each chart twice: its wide form and its narrow form for phones (the style sheet shows one)
    assert [s.attrs["id"] for s in svgs] == [f"kwo-chart-{n}{form}" for n in chart_names() for form in ("", "-narrow")]
    assert [s.attrs["class"] for s in svgs] == ["chart wide", "chart narrow"] * len(chart_names())
    for s in svgs:
        assert "viewbox" in s.attrs  # (the parser lowercases attribute names)
        assert "width" not in s.attrs and "height" not in s.attrs  # sized by CSS
    assert "<?xml" not in sample_html


def test_sector_buckets_add_up_to_the_overall_buckets(sample):
    archive, brands, _ = sample
    report = build_report(archive, brands, details=True)
    overall = {b.bucket: b.count for b in report.response_times}
    summed = dict.fromkeys(overall, 0)
    for r in report.details.sector_response_times:
        summed[r.bucket] += r.count
    assert summed == overall
    months = report.coverage.months
    assert sum(m.mention_tweets for m in months) == report.totals.mention_tweets
    assert sum(m.answered for m in months) == report.totals.answered
    assert sum(m.tweets for m in months) == report.coverage.collected_tweets


# ---------------------------------------------------------------------------------------------
# Escaping: tweet text, brand and sector names are text, never markup

ADVERSARIAL_ROSTER = """handle,name,sector,user_id,hours
evil,"<b>Evil & ""Co""</b>",<script>alert(2)</script>,7,mon-fri 09:00-17:00
kpn,KPN,telecom,1,
"""
SCRIPT_TEXT = "<script>alert(1)</script> @evil"
IMG_TEXT = '"><img src=x onerror=alert(1)> @evil'
ADVERSARIAL_ROWS = [
    # two unanswered mentions of evil in the peak hour (11 CET): both are shown as examples
    hm.Row(1, "2016-03-01 10:00", "100", "alice", [("7", "evil")], text=SCRIPT_TEXT),
    hm.Row(2, "2016-03-01 10:10", "101", "bob", [("7", "evil")], text=IMG_TEXT),
    # an answered one with a URL in its text
    hm.Row(3, "2016-03-01 10:20", "102", "carol", [("1", "kpn")], text="@kpn see https://example.com/x?a=1&b=2"),
    hm.Row(4, "2016-03-01 10:25", "1", "kpn", [("102", "carol")], reply_to=3),
]


def adversarial_html(root: Path) -> str:
    archive, roster = hm.build_archive(root, ADVERSARIAL_ROWS, ADVERSARIAL_ROSTER)
    return render_html(view_data(build_report(archive, roster, details=True), "report"))


def test_adversarial_text_is_escaped(tmp_path):
    text = adversarial_html(tmp_path)
    # the raw markup never appears; its escaped form does
    for raw in ("<script>alert", "<img", "onerror=alert(1)>", "<b>Evil"):
        assert raw not in text, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt; @evil" in text
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt; @evil" in text
    # the browser's parser sees text: the two example tweets read as written, and no element or
    # attribute came from the data
    page = Page(text)
    examples = [re.sub(r"\s+", " ", e.text) for e in page.find_all("div", **{"class": "text"})]
    assert examples == [IMG_TEXT, SCRIPT_TEXT]  # newest first
    assert not page.find_all("img")
    assert len(page.find_all("script")) == 2  # the JSON block and the sort script
    assert not any(k.startswith("on") for e in page.elements for k in e.attrs)
    assert page.find("tr", **{"data-handle": "evil"}).text.strip().startswith('<b>Evil & "Co"</b> @evil')
    assert page.find("tr", **{"data-sector": "<script>alert(2)</script>"})
    # the embedded JSON keeps the text exactly (with <, > and & escaped as \u003c ...)
    data = embedded_data(page)
    assert [e["text"] for e in data["details"]["unanswered_examples"]] == [IMG_TEXT, SCRIPT_TEXT]
    assert text.count("</script>") == 2
    # the sector name inside the per-sector chart is SVG text
    svg = page.find("svg", id="kwo-chart-response-times-by-sector")
    assert "<script>alert(2)</script>" in svg.text
    assert network_references(text) == []  # the URL in the tweet text is text


# ---------------------------------------------------------------------------------------------
# The details, counted by hand (tests/handmade.py)


@pytest.fixture(scope="module")
def main_case(tmp_path_factory):
    return hm.build_archive(tmp_path_factory.mktemp("main"), hm.ROWS, hm.ROSTER_CSV)


def test_details_by_hand(main_case):
    archive, roster = main_case
    report = build_report(archive, roster, details=True)
    cov = report.coverage
    # 26 rows, 114 and 124 are context; the first collected tweet is 115 (08:30 UTC = 09:30 CET),
    # the last 118 (2016-10-30 00:30 UTC, before summer time ends at 01:00 UTC: 02:30 CEST).
    assert (cov.collected_tweets, cov.context_tweets) == (24, 2)
    assert (cov.first_tweet, cov.last_tweet) == ("2016-03-01 09:30", "2016-10-30 02:30")
    assert (cov.first_mention, cov.last_mention) == ("2016-03-01 11:00", "2016-10-30 02:30")
    assert (cov.input_files, cov.records_read, cov.quarantined) == (1, 24, 0)
    # March: 23 collected tweets (all but the two context tweets and 118), 9 mention tweets, 6
    # answered; April to September are empty and listed; October: 118 only.
    months = [(m.month, m.tweets, m.mention_tweets, m.answered) for m in cov.months]
    assert months == [("2016-03", 23, 9, 6)] + [(f"2016-{m:02d}", 0, 0, 0) for m in range(4, 10)] + \
        [("2016-10", 1, 1, 0)]
    assert cov.months_without_tweets == [f"2016-{m:02d}" for m in range(4, 10)]
    # Buckets per sector (pairs: finance = ing 5, telecom = kpn 4, transport = ns 2), see
    # EXPECTED_BRANDS: kpn 20 30 60 5 min; ing 60 min + 4 unanswered; ns 40 min + 1 unanswered.
    got = {(r.sector, r.bucket): r.count for r in report.details.sector_response_times if r.count}
    assert got == {("finance", "<=1 h"): 1, ("finance", "unanswered"): 4, ("telecom", "<=30 min"): 3,
                   ("telecom", "<=1 h"): 1, ("transport", "<=1 h"): 1, ("transport", "unanswered"): 1}
    assert [r.sector for r in report.details.sector_response_times][::8] == ["finance", "telecom", "transport"]
    assert {r.pct for r in report.details.sector_response_times if r.sector == "finance" and r.count} == {20.0, 80.0}
    # The peak hour is 11 (101 and 121), both answered: no examples.
    assert report.details.examples_hour == 11
    assert report.details.unanswered_examples == []


def test_examples_of_another_hour(main_case):
    from kwo.metrics import open_metrics

    archive, roster = main_case
    m = open_metrics(archive, roster)
    try:
        # Hour 12: 104 (ing; kpn wrote it) and 123 (ns), unanswered; newest first.
        ex = m.details(peak_hour=12).unanswered_examples
        assert [(e.tweet_id, e.local_time, e.brands, e.text) for e in ex] == [
            ("123", "2016-03-02 12:00", "ns_online", "@ns_online"),
            ("104", "2016-03-01 12:00", "ing", "@kpn @ing"),
        ]
        assert [e.tweet_id for e in m.details(peak_hour=12, examples=1).unanswered_examples] == ["123"]
        assert m.details(peak_hour=12, examples=0).unanswered_examples == []
    finally:
        m.con.close()


def test_details_only_when_asked(main_case):
    archive, roster = main_case
    assert "details" not in build_report(archive, roster).as_dict()
    assert "details" not in json.loads(run("report", "-a", archive, "-b", roster, "-f", "json").stdout)
    # without details the HTML still renders, with the figures and the coverage it has (every
    # report has its coverage), without the sector chart and the example tweets
    text = render_html(view_data(build_report(archive, roster), "report"))
    page = Page(text)
    assert page.find_all("section", id="coverage")
    assert not page.find_all("ul", **{"class": "examples"})
    assert [s.attrs["id"] for s in page.find_all("svg") if "wide" in s.attrs["class"]] == [
        "kwo-chart-rush-hour", "kwo-chart-response-by-hour", "kwo-chart-closed-by-hour", "kwo-chart-heatmap",
        "kwo-chart-response-times", "kwo-chart-trend", "kwo-chart-months", "kwo-chart-staffing"]
    assert number(page.find("div", **{"data-key": "mention_tweets"}).attrs["data-value"]) == 10


def test_section_command_and_empty_period_as_html(main_case, tmp_path):
    archive, roster = main_case
    # kwo rush-hour --format html: the rush-hour view (no brand table, no response times)
    text = run("rush-hour", "-a", archive, "-b", roster, "-f", "html").stdout
    page = Page(text)
    assert page.find("h1").text == "Rush hour"
    assert page.find_all("section", id="rush-hour") and not page.find_all("section", id="brands")
    assert network_references(text) == []
    # a period without mentions: the charts say so instead of failing
    text = run("report", "-a", archive, "-b", roster, "--since", "2020-01-01", "-f", "html").stdout
    assert "no mention tweets in this period" in text
    # and the page says what is true: no mention tweets, not that every one was answered
    assert "None: there are no mention tweets in this period." in text
    assert "was answered" not in text and "(0 of 0)" not in text
    assert number(Page(text).find("div", **{"data-key": "mention_tweets"}).attrs["data-value"]) == 0


# Where each list section's rows are in the page (one <tr> each in the table's body).
SECTION_TABLES = {"hourly": "hourly-table", "response_times": "response-times-table", "sectors": "sector-table",
                  "brands": "brand-table", "proactive": "proactive-table", "opening_hours": "opening-hours-table"}


def table_rows(page: Page, table_id: str) -> list[dict]:
    """The rows of a table's body as {data-key: exact value} (cells with a data-key)."""
    rows: dict[int, dict] = {}
    for e in page.elements:
        if e.table != table_id:
            continue
        if e.tag == "tr" and e.in_body:
            rows[id(e)] = {}
        elif e.row is not None and "data-key" in e.attrs:
            value = e.attrs["data-value"] if "data-value" in e.attrs else e.attrs["data-sort"]
            rows[id(e.row)][e.attrs["data-key"]] = number(value)
    return list(rows.values())


def exact(value):
    if isinstance(value, list):  # an interval [low, high] is its JSON text
        return str(value)
    return value if value is None or isinstance(value, str) else float(value)


@pytest.mark.parametrize("view", ["answered", "proactive", "rush-hour", "response-times", "brands"])
def test_every_view_as_html(view, main_case):
    archive, roster = main_case
    as_json = json.loads(run(view, "-a", archive, "-b", roster, "-f", "json").stdout)
    text = run(view, "-a", archive, "-b", roster, "-f", "html").stdout
    assert network_references(text) == []
    page = Page(text)
    data = embedded_data(page)
    data.pop("details")
    assert data == as_json
    # every total and every row of every section is in a table, with its exact value
    totals = as_json.get("totals", {})
    if totals:
        shown = {k: v for row in table_rows(page, "totals-table") for k, v in row.items()}
        assert shown == {k: exact(v) for k, v in totals.items()}
    sections = [s for s in as_json if s in SECTION_TABLES]
    assert sections
    for section in sections:
        rows = table_rows(page, SECTION_TABLES[section])
        assert len(rows) == len(as_json[section]), section
        for got, want in zip(rows, as_json[section]):
            assert got and got == {k: exact(want[k]) for k in got}, (section, want)
    if "weekday_hourly" in as_json:
        cells = {(int(e.attrs["data-weekday"]), int(e.attrs["data-hour"])): int(e.attrs["data-value"])
                 for e in page.elements if "data-weekday" in e.attrs}
        assert cells == {(r["weekday"], r["hour"]): r["mentions"] for r in as_json["weekday_hourly"]}


@pytest.mark.parametrize("minutes, shown", [(None, "–"), (0.5, "0.5 min"), (59.94, "59.9 min"), (60, "1.0 h"),
                                            (2879, "48.0 h"), (2880, "2.0 d"), (14400, "10.0 d")])
def test_fmt_duration(minutes, shown):
    assert fmt_duration(minutes) == shown
