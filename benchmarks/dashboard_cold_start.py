"""Dashboard speed as a reader meets it: cold start, time to interactive, warm pasted pair, where the time goes.

Cold start: ``streamlit run app.py`` on a free port, headless Chromium (Debian
``chromium``; ``playwright install`` is never used) opens the page, and the
time runs from ``page.goto`` until both article columns are drawn; the
server's CPU seconds (all its threads, from psutil) are read at server start
and when the columns are drawn. Two runs, each a fresh server process:

- ``no saved result``: an empty dashboard cache folder, so spaCy and the
  sentence model load and every stage runs (what a first install sees);
- ``saved result``: the same folder, now holding the bundled story's
  comparison (compare/result_cache.py), so the page draws it without a model
  while the models load in the background.

Time to interactive (browser): from the moment the page shows that the
server has the result (the status box turns to "Compared in …" or "Loaded
the saved comparison …", recorded in the page by a MutationObserver) until a
key difference of the summary band can be clicked (Playwright's actionability
check: attached, visible, stable, receives the click), and until the script
run has finished (every widget drawn). Measured for the bundled story (first
page of a fresh server) and for the seed pair pasted into the text boxes in
the same session (models warm, texts new to the server); the pasted pair
is timed from the server's result, not from the keystroke.

Warm pasted pair: in one process (Streamlit's AppTest, the default model),
the seed texts are pasted, the page is drawn once (models load, texts are
encoded), then rerun: the median server time of the reruns is what a reader
waits after a widget change. A first comparison of new texts with warm models
is timed too.

Stages (always printed first; ``--stages-only`` stops after them): a fresh Python process imports, loads and compares the
bundled story step by step as the page's cold path does, printing wall and
CPU seconds per step. The article texts are read at run time from corpus/.

    python benchmarks/dashboard_cold_start.py            # everything
    python benchmarks/dashboard_cold_start.py --skip-browser
    python benchmarks/dashboard_cold_start.py --stages-only
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from test_browser import CHROMIUM, CHROMIUM_ARGS, RUN_FINISHED, free_port, stop, wait_healthy  # noqa: E402

SEED = REPO / "corpus" / "duma-recognition"

# In the page: when the status box first says the result is there, and when
# a key-difference link is first attached (performance.now(), milliseconds).
OBSERVER = """() => {
    window.__nc = {busy: []};
    // main-thread tasks over 50 ms (what keeps a click from being handled)
    new PerformanceObserver(list => list.getEntries().forEach(
        e => window.__nc.busy.push([e.startTime, e.duration]))).observe({type: 'longtask'});
    const done = /(Compared in|Loaded the saved comparison) /;
    window.addEventListener('hashchange', () => { window.__nc.clicked ??= performance.now(); });
    new MutationObserver(() => {
        const now = performance.now();
        if (window.__nc.result === undefined
            && [...document.querySelectorAll('summary')].some(s => done.test(s.innerText))) {
            window.__nc.result = now;
        }
        if (window.__nc.link === undefined && document.querySelector('#nc-band a.nc-keydiff')) {
            window.__nc.link = now;
        }
        if (window.__nc.columns === undefined && document.querySelector('#nc-body-B .nc-sent')) {
            window.__nc.columns = now;
        }
    }).observe(document, {childList: true, subtree: true, characterData: true});
}"""
KEY_LINK = "#nc-band a.nc-keydiff"


def cpu_seconds(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


@contextlib.contextmanager
def server(cache: Path):
    """A fresh ``streamlit run app.py`` with ``cache`` as its saved-comparison folder; yields (url, pid)."""
    port = free_port()
    env = {**os.environ, "NEWSCOMPARE_DASHBOARD_CACHE": str(cache)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proc)
        yield url, proc.pid
    finally:
        stop(proc)


def until_interactive(page, timeout_s: float = 600) -> dict[str, float]:
    """Seconds from the result shown as there until a key difference is attached, until a real
    mouse click on it has scrolled to its sentence (the browser handles input only when its main
    thread is free), and until the script run has finished (every widget drawn); and the main
    thread's long tasks (> 50 ms) in between."""
    page.wait_for_function("window.__nc && window.__nc.result !== undefined && window.__nc.link !== undefined",
                           timeout=timeout_s * 1000)
    link = page.locator(KEY_LINK).first
    link.scroll_into_view_if_needed(timeout=timeout_s * 1000)
    x, y = page.evaluate("sel => { const r = document.querySelector(sel).getClientRects()[0];"
                         " return [r.x + r.width / 2, r.y + r.height / 2]; }", KEY_LINK)
    page.mouse.click(x, y)
    page.wait_for_function("window.__nc.clicked !== undefined", timeout=timeout_s * 1000)
    assert page.evaluate("location.hash") == link.get_attribute("href"), "the click did not reach the key difference"
    page.wait_for_selector(RUN_FINISHED, timeout=timeout_s * 1000)
    finished = page.evaluate("performance.now()")
    marks = page.evaluate("window.__nc")
    busy = sum(duration for start, duration in marks["busy"] if marks["result"] <= start <= marks["clicked"])
    return {"to_link_s": (marks["link"] - marks["result"]) / 1000,
            "to_clicked_s": (marks["clicked"] - marks["result"]) / 1000,
            "to_run_finished_s": (finished - marks["result"]) / 1000, "long_tasks_s": busy / 1000}


def story_page(browser, url: str, pid: int) -> dict[str, float]:
    """The bundled story's first page in a new session: seconds until both columns are drawn (from
    the page's time origin, its navigation), server CPU seconds, time to interactive."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script(f"({OBSERVER})()")
    cpu_before = cpu_seconds(pid)
    page.goto(url)
    out = until_interactive(page)  # clicks the first key difference as soon as it is there
    out["page_s"] = page.evaluate("window.__nc.columns") / 1000
    out["server_cpu_s"] = cpu_seconds(pid) - cpu_before
    return out | {"page": page}


def pasted_pair_interactive(page) -> dict[str, float]:
    """Paste the seed pair into the open page; time from the server's result to interactive."""
    page.get_by_text("Paste text", exact=True).click()
    page.locator("textarea").first.wait_for(timeout=60_000)
    page.wait_for_selector(RUN_FINISHED, timeout=60_000)
    texts = sorted(SEED.glob("*.txt"))
    boxes = page.locator("textarea")
    boxes.nth(0).fill(texts[0].read_text(encoding="utf-8"))
    page.evaluate("history.replaceState(null, '', location.pathname)")  # the story's click left a #hash
    page.evaluate(OBSERVER)  # from here on: the old page's status box is gone (no comparison in paste mode yet)
    boxes.nth(1).fill(texts[1].read_text(encoding="utf-8"))
    page.keyboard.press("Tab")  # a text area sends its value on blur: the comparison runs
    return until_interactive(page)


def browser_figures() -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    out = {}
    with tempfile.TemporaryDirectory(prefix="nc-cold-") as cache, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for run in ("no saved result", "saved result"):
            with server(Path(cache)) as (url, pid):
                start_cpu = cpu_seconds(pid)
                figures = story_page(browser, url, pid)
                figures["server_start_cpu_s"] = start_cpu
                page = figures.pop("page")
                if run == "saved result":
                    out["pasted pair (warm models)"] = pasted_pair_interactive(page)
                page.close()
            out[run] = figures
        browser.close()
    return out


def pasted_pair_seconds() -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEED.glob("*.txt"))]
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


# The page's cold path, step by step, in a fresh process (what app.py runs
# when nothing is saved: imports, models, language check, parse, encode,
# stages). "preload": the models as the page loads them (ui.preload_models);
# "torch": spaCy imported as plain ``import spacy`` does (thinc
# imports torch), for comparison.
STAGES = r"""
import importlib, json, resource, sys, time
mode = sys.argv[1]
rows = []
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
def step(name, fn):
    w, c = time.perf_counter(), cpu()
    out = fn()
    rows.append((name, time.perf_counter() - w, cpu() - c))
    return out
step("import streamlit", lambda: importlib.import_module("streamlit"))
step("import compare.dashboard (page helpers)", lambda: importlib.import_module("compare.dashboard"))
from compare import dashboard as ui
from compare.config import CompareConfig
config = CompareConfig()
if mode == "preload":
    step("models: ui.preload_models (the page's background load)", lambda: ui.preload_models(
        config.model, config.backend, config.batch_size, config.spacy_model, config.segmenter))
else:
    from compare.imports import import_spacy
    step("import spaCy" + (" (thinc imports torch)" if mode == "torch" else " (without torch)"),
         (lambda: importlib.import_module("spacy")) if mode == "torch" else import_spacy)
    step("import compare.pipeline (rest)", lambda: importlib.import_module("compare.pipeline"))
    from compare.segment import load_spacy
    step("load spaCy pipeline", lambda: load_spacy(config.spacy_model, config.segmenter))
    from compare.encoders import get_embedder
    step("load sentence model (+ one sentence)", lambda: get_embedder(
        config.model, config.backend, config.batch_size).encode(["Loading."]))
    from compare.languages.detect import supported_language
    step("load language identifiers", lambda: supported_language("Loading the language identifiers."))
from compare import pipeline
from compare.encoders import get_embedder
from compare.languages import hooks as languages
embedder = get_embedder(config.model, config.backend, config.batch_size)
articles = ui.load_story(ui.story_refs()[ui.DEFAULT_STORY])
articles = step("language check", lambda: pipeline.detect_languages(articles, config))
parsed = step("parse (spaCy)", lambda: languages.parse_by_language(articles, config, pipeline.parse_or_split))
step("encode sentences", lambda: embedder.encode([s.text for _, ss, _ in parsed for s in ss]))
docs = pipeline.prepare_documents(articles, config, embedder)
comparison = step("align, links, facts, framing", lambda: pipeline.compare_documents(docs[0], docs[1], config, embedder))
rows.append(("  stage timings: " + json.dumps(dict(comparison.meta)["timings"]), 0, 0))
rows.append(("total", sum(r[1] for r in rows), sum(r[2] for r in rows)))
print(json.dumps(rows))
"""


def stage_rows(mode: str) -> list:
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    out = subprocess.run([sys.executable, "-c", STAGES, mode], capture_output=True, text=True, cwd=REPO,
                         env=env, timeout=600, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def print_stages() -> None:
    for mode in ("torch", "sequential", "preload"):
        print(f"-- cold path, {mode} (fresh process, load average {os.getloadavg()[0]:.1f})")
        for name, wall, cpu in stage_rows(mode):
            print(f"{name:70s} {wall:6.2f} s wall {cpu:6.2f} s CPU" if wall or cpu else name)


def print_browser(figures: dict) -> None:
    for run in ("no saved result", "saved result"):
        f = figures[run]
        print(f"cold start, bundled story, {run}: page {f['page_s']:.1f} s wall, server CPU "
              f"{f['server_cpu_s']:.1f} s for the page (+{f['server_start_cpu_s']:.1f} s at server start); "
              f"result -> key difference clicked and scrolled to {f['to_clicked_s']:.2f} s (long tasks "
              f"{f['long_tasks_s']:.2f} s), run finished {f['to_run_finished_s']:.2f} s")
    f = figures["pasted pair (warm models)"]
    print(f"pasted seed pair in the browser: result -> key difference clicked and scrolled to {f['to_clicked_s']:.2f} s "
          f"(long tasks {f['long_tasks_s']:.2f} s), run finished {f['to_run_finished_s']:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--stages-only", action="store_true")
    args = parser.parse_args()
    os.environ.pop("NEWSCOMPARE_BACKEND", None)  # the default model
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    print_stages()
    if args.stages_only:
        return
    if not args.skip_browser:
        if not Path(CHROMIUM).exists():
            sys.exit(f"no Chromium at {CHROMIUM}")
        print_browser(browser_figures())
    with tempfile.TemporaryDirectory(prefix="nc-paste-") as cache:
        os.environ["NEWSCOMPARE_DASHBOARD_CACHE"] = cache
        times = pasted_pair_seconds()
    print(f"pasted seed pair, first page (models load): {times['first_with_model_load']:.2f} s")
    print(f"pasted seed pair, warm rerun (median of 5): {times['warm_rerun_median']:.3f} s")
    print(f"pasted pair with a changed text, warm models: {times['new_text_warm']:.2f} s")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
