"""Dashboard file watcher: what the server watches when a .venv sits beside app.py.

Copies the page (app.py, compare/, corpus/, .streamlit/) into a temporary
folder with a .venv-like tree of many folders, serves it with
``streamlit run`` (word-hashing backend, no model), opens one session in
headless Chromium (Streamlit installs its source watcher per session), then
creates and deletes many files in .venv as ``pip install`` does. Prints, for
Streamlit's default watcher, the polling one (for editing the page) and the
project's .streamlit/config.toml as it is: the address the server listens
on, the inotify watches the server process holds, and the "Inotify queue
overflowed" lines in its log.

    python benchmarks/dashboard_watcher.py
    python benchmarks/dashboard_watcher.py --folders 4000 --files 40000

Needs Debian's chromium (/usr/bin/chromium) and playwright, as tests/test_browser.py.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO

sys.path.insert(0, str(REPO / "tests"))
from test_browser import CHROMIUM, CHROMIUM_ARGS, free_port, wait_healthy  # noqa: E402

CASES = {"Streamlit default watcher (auto)": ["--server.fileWatcherType", "auto"],
         "config + fileWatcherType poll": ["--server.fileWatcherType", "poll"],
         "project config.toml": []}


def copy_page(root: Path, folders: int) -> None:
    for name in ("app.py", "compare", "corpus", ".streamlit"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, root / name)
    site = root / ".venv" / "lib" / "python3" / "site-packages"
    for n in range(folders):
        (site / f"pkg{n // 20}" / f"mod{n}").mkdir(parents=True)


def churn(root: Path, files: int) -> None:
    """Create then delete ``files`` files across the .venv folders (an install)."""
    folders = sorted((root / ".venv").rglob("mod*"))
    made = [folders[n % len(folders)] / f"f{n}.py" for n in range(files)]
    for path in made:
        path.write_text("x = 1\n")
    for path in made:
        path.unlink()


def inotify_watches(pid: int) -> int:
    """Watches held by the process's inotify descriptors (fdinfo "inotify wd:" lines)."""
    total = 0
    for fd in Path(f"/proc/{pid}/fdinfo").iterdir():
        try:
            total += fd.read_text().count("inotify wd:")
        except OSError:
            continue
    return total


def listening_address(port: int) -> str:
    out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout
    return " ".join(sorted({line.split()[3] for line in out.splitlines() if line.strip()})) or "?"


def serve_and_churn(root: Path, flags: list[str], files: int, browser) -> dict:
    port, log = free_port(), root / "server.log"
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), *flags]
    env = {**os.environ, "NEWSCOMPARE_BACKEND": "hashing"}
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=root, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        url = f"http://localhost:{port}"
        wait_healthy(url, proc)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("#nc-body-B .nc-sent", timeout=180_000)
        time.sleep(2)
        watches = inotify_watches(proc.pid)
        churn(root, files)
        time.sleep(5)
        page.close()
        return {"address": listening_address(port), "watches": watches,
                "overflow": len(re.findall("Inotify queue overflow", log.read_text(errors="replace")))}
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folders", type=int, default=3000, help="folders in the fake .venv")
    parser.add_argument("--files", type=int, default=30000, help="files created and deleted in it")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"fake .venv: {args.folders} folders; {args.files} files created and deleted while serving")
    print(f"{'case':<34} {'listens on':<24} {'inotify watches':>15} {'overflow lines':>14}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for name, flags in CASES.items():
            with tempfile.TemporaryDirectory(prefix="newscompare-watch-") as tmp:
                copy_page(Path(tmp), args.folders)
                r = serve_and_churn(Path(tmp), flags, args.files, browser)
            print(f"{name:<34} {r['address']:<24} {r['watches']:>15} {r['overflow']:>14}", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
