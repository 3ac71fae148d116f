"""The HTML report in a real browser: headless Chromium (through chromedriver) with networking
disabled opens the file from disk; no console error, no resource requested, every chart drawn
with a size, the brand table sorts, the adversarial tweet text stays text; a PNG screenshot of
the whole page is saved (KWO_SCREENSHOT=path copies it out of the test's tmp_path). On a phone
(400 px wide) the page does not scroll sideways, the charts are their narrow forms with every
label inside and 11 px or larger, and the brand table shows each brand's handle and answered %
(KWO_SCREENSHOT_PHONE=path copies that screenshot out).

Skipped only where Chromium is not installed; .ci/run installs the Debian packages chromium and
chromium-driver.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from . import handmade as hm
from .test_html_report import IMG_TEXT, SAMPLE, SCRIPT_TEXT


def _find(name: str, *paths: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    return next((p for p in paths if os.path.exists(p)), None)


CHROMIUM = _find("chromium", "/usr/bin/chromium", "/usr/lib/chromium/chromium") or _find("chromium-browser")
CHROMEDRIVER = _find("chromedriver", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: chromium chromium-driver)")

# No network: every request goes to a proxy that does not exist (port 9, discard), loopback
# included (<-loopback> removes the implicit bypass); QUIC and Chromium's own background traffic
# are off.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--window-size=1280,900",
)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory, kwo_cli) -> Path:
    """sample_data plus one adversarial mention tweet, the newest unanswered one of the peak hour
    (17:00 in Amsterdam), so that it is among the examples the report shows."""
    from kwo.ingest import ingest, ingest_batches

    root = tmp_path_factory.mktemp("browser")
    archive = root / "archive"
    ingest(sorted(str(p) for p in SAMPLE.glob("*.jsonl.gz")), archive, workers=1)
    rows = [
        hm.Row(900000000000000001, "2016-12-31 16:58", "999999999", "mallory", [(None, "nachtbusnl")], text=SCRIPT_TEXT),
        hm.Row(900000000000000002, "2016-12-31 16:59", "999999999", "mallory", [(None, "nachtbusnl")], text=IMG_TEXT),
    ]
    ingest_batches([hm.to_batch(rows)], archive, source="adversarial")
    out = root / "report.html"
    kwo_cli("report", "-a", archive, "-b", SAMPLE / "brands.csv", "--format", "html", "--output", out)
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMEDRIVER is None:
        pytest.skip("chromedriver is not installed (Debian: chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver path: Selenium Manager never runs (it would try to download one).
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


def test_report_in_chromium(browser, report_file, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(report_file.as_uri())
    # get() can return before a local page has finished loading on a busy machine (seen once in CI):
    # wait for it, within the page-load timeout, rather than read the state once.
    WebDriverWait(browser, 20).until(lambda b: b.execute_script("return document.readyState") == "complete")
    assert browser.execute_script("return document.readyState") == "complete"

    # no console message of level error (script errors, failed loads, CSP, ...) and nothing fetched
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0

    # every chart is drawn with a size, in its wide form, every label inside it
    charts = visible_charts(browser)
    assert len(charts) == 9 and all(c["form"] == "wide" for c in charts)  # with the staffing heatmap
    for c in charts:
        assert c["width"] > 300 and c["height"] > 100 and c["paths"] > 10, c["id"]
        assert c["texts"] > 3 and c["outside"] == [], c["id"]
        assert c["smallest_px"] >= 10, c["id"]

    # the adversarial tweets are text: no image, no alert, the text as written
    assert browser.execute_script("return document.images.length") == 0
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    texts = browser.execute_script(
        "return Array.from(document.querySelectorAll('.examples .text')).map(function (e) { return e.textContent; })")
    assert texts[:2] == [IMG_TEXT, SCRIPT_TEXT]

    # the brand table sorts: answered % descending on the first click, ascending on the second
    def column(key):
        return browser.execute_script(
            "return Array.from(document.querySelectorAll('#brand-table tbody td[data-key=\"' + arguments[0] + '\"]'))"
            ".map(function (c) { return c.getAttribute('data-sort'); })", key)

    button = browser.find_element("xpath", "//table[@id='brand-table']//th[4]/button")
    button.click()
    shown = [float(v) for v in column("answered_pct") if v]
    assert shown == sorted(shown, reverse=True)
    button.click()
    shown = [float(v) for v in column("answered_pct") if v]
    assert shown == sorted(shown)

    # the whole page as a PNG
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, height)
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    if os.environ.get("KWO_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["KWO_SCREENSHOT"])


# Per visible chart: its form, size, paths, and its text: how many, the ones whose box leaves
# the chart's box (by more than a pixel), the smallest font size in CSS pixels as shown.
_CHARTS_JS = """
    return Array.from(document.querySelectorAll('svg.chart')).filter(function (s) {
        return getComputedStyle(s).display !== 'none';
    }).map(function (s) {
        var r = s.getBoundingClientRect(), scale = r.width / s.viewBox.baseVal.width;
        var texts = Array.from(s.querySelectorAll('text')), outside = [], smallest = 1e9;
        texts.forEach(function (t) {
            var b = t.getBoundingClientRect();
            if (b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1 || b.bottom > r.bottom + 1) {
                outside.push(t.textContent);
            }
            smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize) * scale);
        });
        return {id: s.id, form: s.classList.contains('narrow') ? 'narrow' : 'wide', width: r.width,
                height: r.height, paths: s.querySelectorAll('path').length, texts: texts.length,
                outside: outside, smallest_px: smallest};
    });"""


def visible_charts(browser) -> list[dict]:
    return browser.execute_script(_CHARTS_JS)


def test_report_on_a_phone(browser, report_file, tmp_path):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.set_window_size(400, 900)
    try:
        browser.get(report_file.as_uri())
        WebDriverWait(browser, 20).until(lambda b: b.execute_script("return document.readyState") == "complete")
        assert browser.execute_script("return window.innerWidth") == 400

        # no sideways scrolling of the page: wide tables scroll inside their own box
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 400

        # the charts in their narrow forms: as wide as the column, every label inside, none under 11 px
        charts = visible_charts(browser)
        assert [c["id"] for c in charts] == [
            "kwo-chart-rush-hour-narrow", "kwo-chart-response-by-hour-narrow", "kwo-chart-closed-by-hour-narrow",
            "kwo-chart-heatmap-narrow", "kwo-chart-response-times-narrow", "kwo-chart-response-times-by-sector-narrow",
            "kwo-chart-trend-narrow", "kwo-chart-months-narrow", "kwo-chart-staffing-narrow"]
        for c in charts:
            assert 340 <= c["width"] <= 400 and c["paths"] > 10, c["id"]
            assert c["texts"] > 3 and c["outside"] == [], c["id"]
            assert c["smallest_px"] >= 11, (c["id"], c["smallest_px"])

        # the brand table: in the first screen of every row, the brand's handle and its answered %
        cells = browser.execute_script("""
            return Array.from(document.querySelectorAll('#brand-table tbody tr')).map(function (tr) {
                var h = tr.querySelector('.handle').getBoundingClientRect();
                var p = tr.querySelector('td[data-key="answered_pct"] .pct').getBoundingClientRect();
                return [tr.getAttribute('data-handle'), h.left, h.right, h.width, p.left, p.right, p.width,
                        tr.querySelector('td[data-key="answered_pct"] .pct').textContent];
            });""")
        assert len(cells) == 100
        for handle, h_left, h_right, h_width, p_left, p_right, p_width, pct in cells:
            assert 0 <= h_left and h_right <= 400 and h_width > 0, handle
            assert 0 <= p_left and p_right <= 400 and p_width > 0 and pct.endswith("%"), handle
        data = browser.execute_script("return JSON.parse(document.getElementById('kwo-data').textContent)")
        top = data["brands"][0]
        assert cells[0][0] == top["handle"] == "nachtbusnl" and cells[0][7] == f"{top['answered_pct']:.1f}%"

        # the ranking too: its handle and answered % in view (the brand's name is left out there)
        ranked = browser.execute_script("""
            return Array.from(document.querySelectorAll('#answered-ranking-table tbody tr')).map(function (tr) {
                var h = tr.querySelector('td[data-key="handle"]').getBoundingClientRect();
                var p = tr.querySelector('td[data-key="answered_pct"]').getBoundingClientRect();
                var n = tr.querySelector('td[data-key="name"]').getBoundingClientRect();
                return [h.left, h.right, p.left, p.right, p.width, n.width];
            });""")
        assert len(ranked) == 100
        for h_left, h_right, p_left, p_right, p_width, n_width in ranked:
            assert 0 <= h_left < h_right <= 400 and 0 <= p_left and p_right <= 400 and p_width > 0 and n_width == 0

        shot = tmp_path / "phone.png"
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(400, height)
        assert browser.save_screenshot(str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        if os.environ.get("KWO_SCREENSHOT_PHONE"):
            shutil.copyfile(shot, os.environ["KWO_SCREENSHOT_PHONE"])
    finally:
        browser.set_window_size(1280, 900)
