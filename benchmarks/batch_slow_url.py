"""Batch with one slow URL: do the stories of local files wait for it?

BASIL dev stories become a temporary corpus (as in batch_throughput.py;
nothing is copied into the repository). One more story comes first in the
manifest: a local file and a URL on a local server that sends nothing for
``--stall`` seconds, then an HTML page made of another BASIL article. ``newscompare`` runs on it in a
subprocess (from ``--repo``, so that another checkout can be measured the same
way), and the script prints when the first and the last local story's
``done.json`` appeared, when the URL story's did, and the whole run; then checks that
every story's files and the summary rows match those of a run without the
slow story.

The default backend is the hashing stand-in, so that the run's own work is
short next to the stall and the machine's load does not hide the wait.

    python benchmarks/batch_slow_url.py --stories 3 --stall 14
    python benchmarks/batch_slow_url.py --stories 3 --stall 14 --repo ../main   # the code before
"""
from __future__ import annotations

import argparse
import csv
import html
import http.server
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import REPO, read_jsonl
from batch_throughput import BASIL, write_corpus

SLOW_STORY = "0-slow-url"


class StallingHandler(http.server.BaseHTTPRequestHandler):
    stall_s = 14.0
    page = b""

    def do_GET(self):
        time.sleep(self.stall_s)
        body = self.page
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def html_page(text: str) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
    return f"<html><head><title>Slow</title></head><body><article>{paragraphs}</article></body></html>".encode()


def add_slow_story(manifest: Path, url: str) -> None:
    """Put a story with one local article and one stalling URL first; the
    URL serves the manifest's second article as HTML."""
    rows = list(csv.reader(manifest.open(encoding="utf-8")))
    first_file = rows[1][1]
    StallingHandler.page = html_page((manifest.parent / rows[2][1]).read_text(encoding="utf-8"))
    slow = [[SLOW_STORY, first_file, "Local", "", ""], [SLOW_STORY, url, "Web", "", ""]]
    with open(manifest, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0], *slow, *rows[1:]])


def watch(out: Path, stories: list[str], process: subprocess.Popen) -> dict[str, float]:
    """Seconds from start until each story's done.json appears."""
    started, seen = time.perf_counter(), {}
    while process.poll() is None or len(seen) < len(stories):
        for story in stories:
            if story not in seen and (out / story / "done.json").exists():
                seen[story] = time.perf_counter() - started
        if process.poll() is not None:
            break
        time.sleep(0.1)
    seen["total"] = time.perf_counter() - started
    return seen


def run(repo: Path, manifest: Path, out: Path, extra: list[str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "compare", str(manifest), "--out", str(out), "--no-progress", "-q", *extra]
    return subprocess.Popen(command, cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def outputs(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name not in ("run.log", "summary.csv", "done.json")
            and not p.name.startswith(".") and not p.relative_to(out).parts[0] == SLOW_STORY}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=10)
    parser.add_argument("--stall", type=float, default=14.0,
                        help="seconds the URL sends nothing (below ingest's 15 s read time-out)")
    parser.add_argument("--repo", type=Path, default=REPO, help="checkout whose newscompare runs")
    parser.add_argument("--backend", default="hashing")
    args = parser.parse_args()
    StallingHandler.stall_s = args.stall
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StallingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/article.txt"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        manifest = write_corpus(read_jsonl(BASIL)[:args.stories], root / "corpus", 1)
        local = sorted({row["story"] for row in csv.DictReader(manifest.open(encoding="utf-8"))})
        baseline = run(args.repo, manifest, root / "plain", ["--backend", args.backend])
        plain = watch(root / "plain", local, baseline)
        add_slow_story(manifest, url)
        extra = ["--backend", args.backend]
        if "--allow-private-urls" in subprocess.run([sys.executable, "-m", "compare", "--help"], cwd=args.repo,
                                                    capture_output=True, text=True).stdout:
            extra.append("--allow-private-urls")
        slow = watch(root / "slow", local + [SLOW_STORY], run(args.repo, manifest, root / "slow", extra))
        same = outputs(root / "plain") == outputs(root / "slow")
    server.shutdown()
    first_local = min(slow.get(s, float("nan")) for s in local)
    last_local = max(slow.get(s, float("nan")) for s in local)
    print(f"repo {args.repo}, {args.stories} BASIL stories + 1 story with a URL stalled {args.stall:.0f} s, "
          f"backend {args.backend}")
    print(f"without the slow story: all {len(local)} stories done at {max(plain[s] for s in local):.1f} s "
          f"(run {plain['total']:.1f} s)")
    print(f"with it: first local story done at {first_local:.1f} s, last at {last_local:.1f} s, URL story at "
          f"{slow.get(SLOW_STORY, float('nan')):.1f} s, run {slow['total']:.1f} s")
    print(f"local stories' files identical with and without the slow story: {same}")


if __name__ == "__main__":
    main()
