"""The HTML report in a real browser: headless Chromium (through chromedriver) with networking
disabled opens the file from disk; no console error, no resource requested, every chart drawn
with a size, the brand table sorts, the adversarial tweet text stays text; a PNG screenshot of
the whole page is saved (KWO_SCREENSHOT=path copies it out of the test's tmp_path).

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

    # every chart is drawn with a size
    charts = browser.execute_script("""
        return Array.from(document.querySelectorAll('svg.chart')).map(function (s) {
            var r = s.getBoundingClientRect();
            return [s.id, r.width, r.height, s.querySelectorAll('path').length];
        });""")
    assert len(charts) == 7
    for name, width, height, paths in charts:
        assert width > 300 and height > 100 and paths > 10, name

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
