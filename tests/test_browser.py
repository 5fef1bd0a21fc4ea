"""Real browser: the dashboard served by ``streamlit run`` and read by headless Chromium.

Needs the Debian ``chromium`` package (/usr/bin/chromium, or $CHROMIUM_PATH)
and the ``playwright`` Python package; ``playwright install`` is not used.
Without Chromium the tests skip, unless NEWSCOMPARE_REQUIRE_BROWSER=1 (CI).
The model is the configured default unless NEWSCOMPARE_BACKEND says otherwise.
Run: pytest -m slow tests/test_browser.py -s  (prints timings and the screenshot path)
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).absolute().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
SHOT_DIR = Path(os.environ.get("NEWSCOMPARE_ARTIFACTS", Path(tempfile.gettempdir()) / "newscompare-artifacts"))
COLD_TIMEOUT_S = 300  # first page: spaCy and the sentence model load
XSS = 'Officials said <script>window.__xss=1</script> and <img src=x onerror="window.__xss=2"> nothing more.'

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """End a server process: terminate, then kill if it has not exited after ``timeout`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"streamlit did not answer on {url} within {timeout} s")


@pytest.fixture(scope="module")
def server():
    """``streamlit run app.py`` on a free localhost port; stopped (by pid) after the module."""
    if not Path(CHROMIUM).exists():
        # CI sets NEWSCOMPARE_REQUIRE_BROWSER=1: there a missing browser is a failure, not a skip.
        missing = pytest.fail if os.environ.get("NEWSCOMPARE_REQUIRE_BROWSER") == "1" else pytest.skip
        missing(f"headless Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    # an empty folder for the saved comparisons: the first page computes (benchmarks/dashboard_cold_start.py
    # times the page with a saved comparison)
    env = {**os.environ, "NEWSCOMPARE_DASHBOARD_CACHE": tempfile.mkdtemp(prefix="nc-dashboard-cache-")}
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def open_page(browser, url: str, timeout_s: float, width: int = 1500, height: int = 1800):
    """A fresh page (new Streamlit session) with the default comparison drawn; returns (page, seconds)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("#nc-body-B .nc-sent", timeout=timeout_s * 1000)
    return page, time.perf_counter() - started


def test_default_comparison_in_real_browser(server, browser):
    page, cold = open_page(browser, server, COLD_TIMEOUT_S)
    for side in ("A", "B"):
        sentences = page.locator(f"#nc-body-{side} .nc-sent")
        assert sentences.count() > 3, f"article {side} has no highlighted sentences"
        coloured = page.locator(f"#nc-body-{side} .nc-s-shared, #nc-body-{side} .nc-s-partial, "
                                f"#nc-body-{side} .nc-s-unique")
        assert coloured.count() == sentences.count()
        background = coloured.first.evaluate("el => getComputedStyle(el).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "sentence status colour not applied"
        assert page.locator(f"#nc-body-{side} mark.nc-h").count() >= 1, f"no phrase highlight in article {side}"
    linked = page.locator("#nc-body-A .nc-sent[data-counterparts^='nc-B-s']")
    assert linked.count() >= 1, "no aligned sentence in A points at B"
    assert page.get_by_text("A in both").count() >= 1
    limits = page.get_by_text("Limits: up to").first  # stated beside the inputs, in the sidebar
    assert limits.is_visible() and "newscompare" in limits.inner_text()
    hover_shows_counterpart(page, linked.first)
    SHOT_DIR.mkdir(parents=True, exist_ok=True)
    shot = SHOT_DIR / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    warm_page, warm = open_page(browser, server, 60)
    jump_to_counterpart(warm_page)
    warm_page.close()
    print(f"\nscreenshot: {shot}\nfirst page after server start (spaCy and model load included): {cold:.2f} s\n"
          f"warm page, new session (cached model and embeddings): {warm:.2f} s")
    assert shot.stat().st_size > 10_000


def hover_shows_counterpart(page, sentence) -> None:
    """Hovering an aligned sentence of A outlines its counterpart in B (CSS only, no script)."""
    target = sentence.get_attribute("data-counterparts").split()[0]
    shadow = f"getComputedStyle(document.getElementById('{target}')).boxShadow"
    assert page.evaluate(shadow) == "none"
    sentence.hover()
    page.wait_for_function(f"{shadow} !== 'none'", timeout=5_000)


def jump_to_counterpart(page) -> None:
    """Clicking a sentence's A3↔B1 link brings B1 into view in B's column."""
    link = page.locator("#nc-body-A .nc-sent[data-counterparts^='nc-B-s'] a.nc-link").last
    target = link.get_attribute("href").lstrip("#")
    link.click()
    page.wait_for_function(f"location.hash === '#{target}'", timeout=10_000)
    visible = page.evaluate(f"""() => {{
        const el = document.getElementById('{target}'), box = el.closest('.nc-body');
        const r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
        return r.top >= b.top - 1 && r.top <= b.bottom; }}""")
    assert visible, f"{target} is not scrolled into view in column B"


def test_pasted_html_shows_as_text_in_real_browser(server, browser):
    page, _ = open_page(browser, server, COLD_TIMEOUT_S)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.get_by_text("Paste text", exact=True).click()
    boxes = page.locator("textarea")
    boxes.first.wait_for(timeout=30_000)
    boxes.nth(0).fill(XSS)
    boxes.nth(1).fill("Officials said nothing more about the talks on Tuesday, and the ministry declined to comment.")
    page.keyboard.press("Tab")
    page.locator("#nc-body-A .nc-sent").first.wait_for(timeout=60_000)
    page.wait_for_function("document.querySelector('#nc-body-A').innerText.includes('<script>')", timeout=60_000)
    body_a = page.locator("#nc-body-A")
    assert "<img src=x onerror=" in body_a.inner_text()
    assert body_a.locator("img, script").count() == 0
    assert page.evaluate("window.__xss === undefined") and not dialogs
    page.close()


# ---------------------------------------------------------------- the reader's view (issue 15)

# Characters of a column inside a phrase mark, and all its characters (sentence badges such as "A3↔B1" left out).
# Same-referent marks ("nc-h-link") carry only a tooltip unless the reader switches their layer on: not counted.
MARKED_SHARE = """side => {
    const body = document.getElementById('nc-body-' + side);
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    let all = 0, marked = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement.closest('.nc-sid')) continue;
        const n = node.textContent.replace(/\\s+/g, '').length;
        all += n;
        if (node.parentElement.closest('mark.nc-h:not(.nc-h-link)')) marked += n;
    }
    return marked / Math.max(all, 1);
}"""


# The Streamlit script has finished its run (set on the app's root element).
RUN_FINISHED = "[data-testid='stApp'][data-test-script-state='notRunning']"
# The run is over and the visible tab has content (a tab switch reruns the page to draw it).
OPEN_TAB_DRAWN = f"""() => document.querySelector("{RUN_FINISHED}") && [...document.querySelectorAll('[role=tabpanel]')]
    .some(p => p.offsetParent !== null && p.querySelector('[data-testid=stElementContainer]'))"""


# Scroll a tab to the top of the page, below Streamlit's header bar.
SCROLL_TO_TOP = """el => { el.scrollIntoView({block: 'start'}); let box = el.parentElement;
    while (box && !(box.scrollHeight > box.clientHeight && getComputedStyle(box).overflowY !== 'visible')) box = box.parentElement;
    (box || window).scrollBy(0, -90); }"""


def band_column(page, title: str) -> str:
    return page.locator("#nc-band .nc-band-col", has_text=title).first.inner_text()


def test_summary_band_lists_the_seed_key_differences(server, browser):
    page, _ = open_page(browser, server, COLD_TIMEOUT_S, width=1400, height=1000)
    band = page.locator("#nc-band")
    band.wait_for(state="visible", timeout=60_000)  # Streamlit may redraw elements while the run finishes
    band_box, body_box = band.bounding_box(), page.locator("#nc-body-A").bounding_box()
    assert band_box["y"] < body_box["y"], "the summary band sits above the columns"
    only_a, only_b = band_column(page, "Only in A ("), band_column(page, "Only in B (")
    assert "15,000" in only_a, only_a
    assert "400 MPs" in only_b and "351 MPs" in only_b, only_b
    text = band.inner_text()
    assert "Russian lawmakers" in text  # both headlines (first sentences: the seed has no titles)
    assert "Kyiv" in text and "Kiev" in text  # framing, one line each
    assert "B repeats" in text and "of A's 20 sentences" in text  # coverage
    page.close()


def test_clicking_a_key_difference_scrolls_to_its_sentence(server, browser):
    page, _ = open_page(browser, server, COLD_TIMEOUT_S, width=1400, height=1000)
    link = page.locator("#nc-band a.nc-keydiff", has_text="15,000").first
    target = link.get_attribute("href").lstrip("#")
    link.click()
    page.wait_for_function(f"location.hash === '#{target}'", timeout=10_000)
    in_view = page.evaluate(f"""() => {{
        const el = document.getElementById('{target}'), box = el.closest('.nc-body');
        const r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
        return r.top >= b.top - 1 && r.top <= b.bottom && r.top >= 0 && r.top <= window.innerHeight; }}""")
    assert in_view, f"{target} is not scrolled into view"
    assert "15,000" in page.locator(f"#{target}").inner_text()
    page.close()


def test_default_layers_mark_less_than_a_third_of_each_column(server, browser):
    page, _ = open_page(browser, server, COLD_TIMEOUT_S, width=1400, height=1000)
    shares = {side: page.evaluate(MARKED_SHARE, side) for side in ("A", "B")}
    print(f"\nshare of characters marked by the default layers: {shares}")
    assert all(0 < share < 1 / 3 for share in shares.values()), shares
    # switching "All one-sided facts" on marks more (the layer works, and the default is the lighter one)
    page.get_by_text("All one-sided facts", exact=True).click()
    page.wait_for_function(f"({MARKED_SHARE})('A') > {shares['A'] + 0.1}", timeout=60_000)
    page.close()


@pytest.mark.parametrize("width", [1400, 800])
def test_screenshots_of_the_landing_page_band_and_tabs(server, browser, width):
    page, seconds = open_page(browser, server, COLD_TIMEOUT_S, width=width, height=1000)
    SHOT_DIR.mkdir(parents=True, exist_ok=True)
    shots = [SHOT_DIR / f"landing-{width}.png", SHOT_DIR / f"band-{width}.png"]
    page.screenshot(path=str(shots[0]))
    page.locator("#nc-band").screenshot(path=str(shots[1]))
    tabs = page.get_by_role("tab")
    assert tabs.count() >= 6
    for n in range(tabs.count()):
        tab = tabs.nth(n)
        name = tab.inner_text().split("(")[0].strip().lower().replace(" ", "-")
        tab.click()
        page.wait_for_function("el => el.getAttribute('aria-selected') === 'true'", arg=tab.element_handle(),
                               timeout=30_000)
        # only the open tab is drawn: the switch reruns the page; charts and tables draw after it
        page.wait_for_function(OPEN_TAB_DRAWN, timeout=COLD_TIMEOUT_S * 1000)
        page.wait_for_timeout(1000)
        tab.evaluate(SCROLL_TO_TOP)
        shots.append(SHOT_DIR / f"tab-{name}-{width}.png")
        page.screenshot(path=str(shots[-1]))
    print(f"\n{width} px: page drawn in {seconds:.1f} s; screenshots: " + ", ".join(str(s) for s in shots))
    assert all(shot.stat().st_size > 5_000 for shot in shots)
    page.close()
