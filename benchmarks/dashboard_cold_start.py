"""Dashboard speed as a reader meets it: cold start of the bundled story, and a warm pasted pair.

Cold start: ``streamlit run app.py`` on a free port, headless Chromium (Debian
``chromium``; ``playwright install`` is never used) opens the page, and the
time runs from ``page.goto`` until both article columns are drawn. Two runs,
each a fresh server process:

- ``no saved result``: an empty dashboard cache folder, so spaCy and the
  sentence model load and every stage runs (what a first install sees);
- ``saved result``: the same folder, now holding the bundled story's
  comparison (compare/result_cache.py), so the page draws it without a model
  while the models load in the background.

Warm pasted pair: in one process (Streamlit's AppTest, the default model),
the seed texts are pasted, the page is drawn once (models load, texts are
encoded), then rerun: the median server time of the reruns is what a reader
waits after a widget change. A first comparison of new texts with warm models
is timed too. The article texts are read at run time from corpus/.

    python benchmarks/dashboard_cold_start.py            # both
    python benchmarks/dashboard_cold_start.py --skip-browser
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from test_browser import CHROMIUM, CHROMIUM_ARGS, free_port, wait_healthy  # noqa: E402


def page_seconds(cache: Path) -> float:
    """Seconds from opening the page of a fresh server until both columns are drawn."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {**os.environ, "NEWSCOMPARE_DASHBOARD_CACHE": str(cache)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proc)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            started = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("#nc-body-B .nc-sent", timeout=600_000)
            seconds = time.perf_counter() - started
            browser.close()
        return seconds
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def pasted_pair_seconds() -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "corpus" / "duma-recognition").glob("*.txt"))]
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=600)
    at.run()
    at.radio(key="mode").set_value("Paste text").run()
    at.text_area(key="text_A").input(texts[0])
    at.text_area(key="text_B").input(texts[1])
    started = time.perf_counter()
    at.run()
    first = time.perf_counter() - started
    assert not at.exception and not at.error, (at.exception, at.error)
    reruns = []
    for _ in range(5):
        started = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - started)
    at.text_area(key="text_A").input(texts[0].replace("Tuesday", "Monday"))  # new text, warm models
    started = time.perf_counter()
    at.run()
    new_text = time.perf_counter() - started
    return {"first_with_model_load": first, "warm_rerun_median": statistics.median(reruns), "new_text_warm": new_text}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    os.environ.pop("NEWSCOMPARE_BACKEND", None)  # the default model
    if not args.skip_browser:
        if not Path(CHROMIUM).exists():
            sys.exit(f"no Chromium at {CHROMIUM}")
        with tempfile.TemporaryDirectory(prefix="nc-cold-") as cache:
            miss = page_seconds(Path(cache))
            hit = page_seconds(Path(cache))
        print(f"cold start, bundled story, no saved result: {miss:.1f} s")
        print(f"cold start, bundled story, saved result:    {hit:.1f} s")
    with tempfile.TemporaryDirectory(prefix="nc-paste-") as cache:
        os.environ["NEWSCOMPARE_DASHBOARD_CACHE"] = cache
        times = pasted_pair_seconds()
    print(f"pasted seed pair, first page (models load): {times['first_with_model_load']:.2f} s")
    print(f"pasted seed pair, warm rerun (median of 5): {times['warm_rerun_median']:.3f} s")
    print(f"pasted pair with a changed text, warm models: {times['new_text_warm']:.2f} s")
    print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
