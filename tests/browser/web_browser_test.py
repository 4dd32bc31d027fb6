# SPDX-License-Identifier: MIT
"""trialwatch's web interface in a real browser: headless Chromium driven by Selenium.

scripts/demo --fast --keep builds a database with the real daemon from the fake registry (NCT06613490's registry
days); `trialwatch serve` serves it on a free loopback port. At a desktop width and at a phone width the test loads
the dashboard, clicks through to the study page (its timeline's status bands must match the JSON API's history),
opens a diff, filters the events by type with the form, fails on any SEVERE browser console entry (CSP violations
land there) and on a horizontal scroll of the page, and saves full-page screenshots.

    web_browser_test.py SOURCE_DIR BUILD_DIR TRIALWATCH_BINARY

Screenshots go to $TRIALWATCH_ARTIFACTS (default BUILD_DIR/test-artifacts/browser).
"""

import base64
import json
import os
import pathlib
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

NCT = "NCT06613490"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = (1280, 900)
PHONE = (390, 844)
MAX_SHOT_HEIGHT = 8000  # a full-page screenshot taller than this is cut


class Failure(Exception):
    """A check of the pages that did not hold."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def merged(statuses):
    """The statuses with each run of repeats made one."""
    return [s for i, s in enumerate(statuses) if i == 0 or s != statuses[i - 1]]


def stop(process, name):
    """Stop a process group this test started (SIGTERM, then SIGKILL after 10 s) and reap its leader."""
    if process is None or process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop on {sig.name}", file=sys.stderr)


def build_database(source_dir, build_dir, scratch, started):
    """Run scripts/demo --fast --keep with this build's programs; return the database it kept."""
    env = dict(os.environ, TMPDIR=str(scratch))  # the demo's folder lands in scratch, removed with it
    log = scratch / "demo.out"
    with open(log, "w") as out:
        demo = subprocess.Popen([str(source_dir / "scripts" / "demo"), "--fast", "--keep", "--bin", str(build_dir)],
                                cwd=source_dir, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # its own process group: its daemon and registry stop with it
        started.append(("scripts/demo", demo))
        try:
            code = demo.wait(timeout=180)
        except subprocess.TimeoutExpired:
            code = "a timeout"
    text = log.read_text()
    check(code == 0, f"scripts/demo ended with {code}:\n{text}")
    found = re.search(r"--db (\S+/trialwatch\.db) ", text)
    check(found and pathlib.Path(found.group(1)).is_file(), f"the demo printed no database path:\n{text}")
    return pathlib.Path(found.group(1))


def start_server(trialwatch, database, scratch, started):
    """Start `trialwatch serve` on a free loopback port; return its base URL (ends with /)."""
    errors = open(scratch / "serve.log", "w")
    server = subprocess.Popen([str(trialwatch), "serve", "--db", str(database), "--listen", "127.0.0.1:0"],
                              stdout=subprocess.PIPE, stderr=errors, text=True, start_new_session=True)
    started.append(("trialwatch serve", server))
    deadline = time.monotonic() + 30
    line = ""
    while time.monotonic() < deadline and server.poll() is None and not line:
        ready, _, _ = select.select([server.stdout], [], [], deadline - time.monotonic())
        if ready:
            line = server.stdout.readline()
    found = re.match(r"serving (http://127\.0\.0\.1:\d+/) ", line)
    check(found, f"trialwatch serve printed {line!r}; its log:\n{(scratch / 'serve.log').read_text()}")
    return found.group(1)


def expected_statuses(base):
    """The study's status sequence as the JSON API tells it: the past versions' statuses, then the new value of each
    status change trialwatch saw itself (the registry_history ones repeat the past versions'), repeats merged."""
    with urllib.request.urlopen(f"{base}api/studies/{NCT}/history", timeout=30) as answer:
        history = json.load(answer)
    statuses = [p["status"] for p in history["past_versions"] if p.get("status")]
    statuses += [e["new"] for e in history["events"]
                 if e["type"] == "status_changed" and e["provenance"] != "registry_history"]
    return merged(statuses)


def start_browser(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class Pages:
    """The browser on the server's pages: checks, console errors and screenshots."""

    def __init__(self, driver, base, artifacts):
        self.driver = driver
        self.base = base
        self.artifacts = artifacts
        self.shots = []
        self.problems = []  # what a page got wrong that does not stop the walk through the others

    def console_errors_none(self, page):
        severe = [e for e in self.driver.get_log("browser") if e.get("level") == "SEVERE"]
        if severe:
            self.problems.append(f"{page}: SEVERE console entries: {json.dumps(severe, indent=1)}")

    def screenshot(self, name):
        """Save the whole page (not just the viewport) as NAME.png."""
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], MAX_SHOT_HEIGHT), "scale": 1}
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot",
                                           {"format": "png", "captureBeyondViewport": True, "clip": clip})
        path = self.artifacts / f"{name}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        self.shots.append(path)

    def no_horizontal_scroll(self, page):
        """The page must not scroll sideways: its content fits the viewport (innerWidth less a classic scrollbar, so
        clientWidth); wide tables and the timeline scroll inside their own boxes."""
        width, inner = self.driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if width <= inner + 1:
            return
        # the innermost elements whose content reaches past the viewport, outside any box that scrolls on its own
        culprits = self.driver.execute_script("""
            const inner = document.documentElement.clientWidth;
            const clipped = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
                                     if (getComputedStyle(a).overflowX !== 'visible') return true;
                                   return false; };
            const reach = e => e.getBoundingClientRect().left + (getComputedStyle(e).overflowX === 'visible'
                               ? Math.max(e.scrollWidth, e.getBoundingClientRect().width) : e.getBoundingClientRect().width);
            const out = e => reach(e) > inner + 1;
            const all = [...document.body.querySelectorAll('*')].filter(e => out(e) && !clipped(e));
            return all.filter(e => !all.some(d => d !== e && e.contains(d))).slice(0, 5).map(e => {
              return `<${e.tagName.toLowerCase()} class="${e.getAttribute('class') || ''}">`
                     + ` from x ${Math.round(e.getBoundingClientRect().left)} to ${Math.round(reach(e))}: `
                     + `"${e.textContent.trim().replace(/\\s+/g, ' ').slice(0, 70)}"`; });""")
        self.problems.append(f"{page}: the page scrolls sideways ({width} px of content in a {inner} px viewport); "
                             "reaching past it: " + "; ".join(culprits))

    def wait_for(self, css):
        return WebDriverWait(self.driver, 15).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def finish(self, page, shot):
        """What every page must pass: no console error, no sideways scroll; then its screenshot."""
        self.console_errors_none(page)
        self.no_horizontal_scroll(page)
        self.screenshot(shot)

    def dashboard(self, tag):
        self.driver.get(self.base)
        check(self.driver.title == "Tracked studies · trialwatch", f"the dashboard's title: {self.driver.title!r}")
        rows = self.driver.find_elements(By.CSS_SELECTOR, f'table.studies tbody tr[data-nct="{NCT}"]')
        check(len(rows) == 1, f"the studies table has {len(rows)} rows for {NCT}")
        check(rows[0].is_displayed(), f"{NCT}'s row is not displayed")
        self.finish("/", f"{tag}-1-dashboard")
        return rows[0]

    def study(self, tag, row, expected):
        row.find_element(By.CSS_SELECTOR, f'a.nct[href="/study/{NCT}"]').click()
        WebDriverWait(self.driver, 15).until(EC.url_to_be(f"{self.base}study/{NCT}"))
        svg = self.wait_for("figure.timeline svg")
        check(svg.is_displayed(), "the timeline SVG is not displayed")
        check(svg.size["width"] > 0 and svg.size["height"] > 0, f"the timeline SVG's size is {svg.size}")
        check(svg.get_attribute("role") == "img", f"the timeline SVG's role is {svg.get_attribute('role')!r}")
        titles = svg.find_elements(By.CSS_SELECTOR, ":scope > title")
        check(titles and titles[0].get_attribute("textContent").strip(), "the timeline SVG has no <title>")

        bands = svg.find_elements(By.CSS_SELECTOR, "rect.band")
        drawn = [(b.get_attribute("data-status"), b.get_attribute("data-from"), b.get_attribute("data-to"),
                  self.driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.x, r.width]",
                                             b)) for b in bands]
        statuses = [d[0] for d in drawn]
        check(merged(statuses) == expected,
              f"the timeline's bands {statuses} do not tell the history's statuses {expected}")
        for status, start, end, (x, width) in drawn:
            check(start <= end, f"the {status} band runs from {start} to {end}")
            check(width > 0, f"the {status} band ({start} to {end}) is drawn {width} px wide")
        check(all(a[3][0] <= b[3][0] for a, b in zip(drawn, drawn[1:])), f"the bands are not drawn in order: {drawn}")
        check(all(a[2] == b[1] for a, b in zip(drawn, drawn[1:])), f"the bands leave gaps or overlap: {drawn}")
        figure = self.driver.find_element(By.CSS_SELECTOR, "figure.timeline")
        inner = self.driver.execute_script("return window.innerWidth")
        check(figure.location["x"] >= 0 and figure.location["x"] + figure.size["width"] <= inner + 1,
              f"the timeline's figure ({figure.location}, {figure.size}) does not fit the {inner} px window")
        self.finish(f"/study/{NCT}", f"{tag}-2-study")

    def diff(self, tag):
        """Click the compare link of the first version with changes; its diff lists them."""
        link = None
        for row in self.driver.find_elements(By.CSS_SELECTOR, "table.versions tbody tr"):
            cells = row.find_elements(By.TAG_NAME, "td")
            links = row.find_elements(By.PARTIAL_LINK_TEXT, "changes from")
            if links and cells[3].text.strip().isdigit() and int(cells[3].text) > 0:
                link = links[0]
                break
        check(link is not None, "no version with changes has a 'changes from' link")
        href = link.get_attribute("href")
        check(re.search(rf"/study/{NCT}/diff\?from=r?\d+&to=r?\d+$", href), f"the compare link goes to {href}")
        link.click()
        WebDriverWait(self.driver, 15).until(EC.url_to_be(href))
        self.wait_for("table.diff")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "table.diff tbody tr")
        check(rows and all(r.is_displayed() for r in rows), f"{href}: the diff table shows {len(rows)} rows")
        self.finish(href, f"{tag}-3-diff")

    def events(self, tag):
        self.driver.get(f"{self.base}events")
        form = self.wait_for("form.filters")
        Select(form.find_element(By.CSS_SELECTOR, 'select[name="type"]')).select_by_visible_text("results_posted")
        form.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()
        WebDriverWait(self.driver, 15).until(EC.url_contains("type=results_posted"))
        rows = self.driver.find_elements(By.CSS_SELECTOR, "table.events tbody tr")
        check(rows, "no results_posted events are listed")
        kinds = [r.find_elements(By.TAG_NAME, "td")[1].text for r in rows]
        check(all(k == "results_posted" for k in kinds), f"the filtered events are {kinds}")
        self.finish("/events?type=results_posted", f"{tag}-4-events")

    def flow(self, tag, size, expected):
        self.driver.set_window_size(*size)
        inner = self.driver.execute_script("return window.innerWidth")
        check(inner <= size[0], f"at {tag} width the window is {inner} px wide, not at most {size[0]}")
        row = self.dashboard(tag)
        self.study(tag, row, expected)
        self.diff(tag)
        self.events(tag)

    def dark(self):
        """The study page in dark mode: a dark background; a screenshot to look at."""
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                    {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        self.driver.get(f"{self.base}study/{NCT}")
        self.wait_for("figure.timeline svg")
        background = self.driver.execute_script("return getComputedStyle(document.body).backgroundColor")
        channels = [int(c) for c in re.findall(r"\d+", background)[:3]]
        check(len(channels) == 3 and max(channels) < 80, f"in dark mode the page's background is {background}")
        self.finish(f"/study/{NCT} in dark mode", "desktop-5-study-dark")


def main():
    source_dir, build_dir, trialwatch = (pathlib.Path(a).resolve() for a in sys.argv[1:4])
    artifacts = pathlib.Path(os.environ.get("TRIALWATCH_ARTIFACTS") or build_dir / "test-artifacts" / "browser")
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="trialwatch-browser."))
    started = []
    driver = None
    pages = None
    try:
        database = build_database(source_dir, build_dir, scratch, started)
        base = start_server(trialwatch, database, scratch, started)
        expected = expected_statuses(base)
        check("RECRUITING" in expected and "COMPLETED" in expected,
              f"{NCT}'s history lacks RECRUITING or COMPLETED: {expected}")
        print(f"{NCT}'s statuses as the JSON API tells them: {' → '.join(expected)}")
        driver = start_browser(scratch / "chromium-profile")
        pages = Pages(driver, base, artifacts)
        pages.flow("desktop", DESKTOP, expected)
        pages.flow("phone", PHONE, expected)
        pages.driver.set_window_size(*DESKTOP)
        pages.dark()
        pages.console_errors_none("the last page")
        if pages.problems:
            print("FAIL:\n" + "\n".join(pages.problems), file=sys.stderr)
            return 1
        print("ok: the dashboard, the study's timeline, a diff and the events render without console errors, also at "
              "a phone width")
        return 0
    except Failure as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        if (scratch / "serve.log").is_file():
            print("trialwatch serve's log:\n" + (scratch / "serve.log").read_text(), file=sys.stderr)
        if driver is not None:
            try:
                pages.screenshot("failure")
                print(f"at {driver.current_url}", file=sys.stderr)
            except Exception:  # the browser may be what failed
                pass
        return 1
    finally:
        if driver is not None:
            driver.quit()
        for name, process in reversed(started):
            stop(process, name)
        shutil.rmtree(scratch, ignore_errors=True)
        if pages is not None and pages.shots:
            print(f"screenshots in {artifacts}:")
            for shot in pages.shots:
                print(f"  {shot}")


if __name__ == "__main__":
    sys.exit(main())
