"""The batch run on Dask: same answers as the local run, resume, error rows, Ctrl-C, fsspec URLs, lost workers."""
import os
import signal
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed")
import fsspec  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

from compare import distributed as engine  # noqa: E402
from compare.batch import BatchOptions, run_batch  # noqa: E402
from compare.cli import EXIT_USAGE, main  # noqa: E402
from compare.config import CompareConfig  # noqa: E402
from compare.corpus import corpus_stories  # noqa: E402
from compare.encoders import CachingEmbedder, HashingEmbedder  # noqa: E402
from test_batch import SENTENCES, make_corpus  # noqa: E402

CONFIG = CompareConfig(backend="hashing")


def tree(root: Path) -> dict[str, bytes]:
    """Every output file's bytes by relative path, the run log aside."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "run.log" and not p.name.startswith(".")}


def memory_tree(url: str) -> dict[str, bytes]:
    fs, root = fsspec.core.url_to_fs(url)
    return {path[len(root):].lstrip("/"): fs.cat_file(path) for path in sorted(fs.find(root))
            if not path.endswith("run.log")}


def many_stories(root: Path, stories: int = 8) -> Path:
    """``stories`` stories of 2-3 outlets, each a different mix of the test sentences."""
    rows = ["story,path,outlet"]
    for n in range(stories):
        for k, outlet in enumerate(("Fox", "NYT", "HuffPost")[: 2 + n % 2]):
            picks = [(n + k + i) % len(SENTENCES) for i in range(3)]
            path = root / f"s{n}" / f"{outlet}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(" ".join(SENTENCES[i] for i in picks) + "\n", encoding="utf-8")
            rows.append(f"s{n},s{n}/{outlet}.txt,{outlet}")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root / "manifest.csv"


def local_run(manifest: Path, out):
    return run_batch(corpus_stories(manifest), CONFIG, CachingEmbedder(HashingEmbedder()),
                     BatchOptions(out_dir=out, progress=False))


def dask_run(manifest: Path, out, scheduler, **kwargs):
    return engine.run_batch_dask(corpus_stories(manifest), CONFIG, HashingEmbedder().name,
                                 BatchOptions(out_dir=out, progress=False), scheduler, **kwargs)


@pytest.fixture(scope="module")
def threads_client():
    """An in-process cluster (worker threads share this process, its memory:// and its monkeypatches)."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


@pytest.mark.parametrize("value, expected", [
    ("local:2", ("local", 2)), (" local:16 ", ("local", 16)), ("tcp://10.0.0.5:8786", ("address", 0)),
    ("scheduler.lan:8786", ("address", 0))])
def test_parse_scheduler(value, expected):
    assert engine.parse_scheduler(value) == expected


@pytest.mark.parametrize("value", ["local:0", "somewhere", "local"])
def test_a_bad_scheduler_is_a_usage_error(value, tmp_path, capsys):
    manifest = make_corpus(tmp_path / "corpus")
    code = main([str(manifest), "--out", str(tmp_path / "out"), "--backend", "hashing", "--no-progress",
                 "--scheduler", value])
    assert code == EXIT_USAGE and "--scheduler" in capsys.readouterr().err


@pytest.mark.slow  # starts 2 worker processes that import the package: 20-60 s on a shared 2-core machine
def test_local_and_dask_runs_write_the_same_bytes(tmp_path):
    """The CLI's local threaded run and its ``--scheduler local:2`` run (2 worker processes)."""
    manifest = make_corpus(tmp_path / "corpus")
    common = [str(manifest), "--backend", "hashing", "--no-progress"]
    assert main(common + ["--out", str(tmp_path / "local")]) == 1  # the corpus has broken articles
    assert main(common + ["--out", str(tmp_path / "dask"), "--scheduler", "local:2"]) == 1
    local, dask = tree(tmp_path / "local"), tree(tmp_path / "dask")
    assert "summary.csv" in local and "tables/facts.parquet" in local and "rates/done.json" in local
    assert local == dask


def test_memory_url_resume_and_same_bytes_as_a_folder(tmp_path, threads_client):
    manifest = make_corpus(tmp_path / "corpus")
    local_run(manifest, tmp_path / "local")
    url = "memory://newscompare-test-run"
    first = dask_run(manifest, url, threads_client)
    assert first.exit_code == 1 and not first.interrupted
    written = memory_tree(url)
    assert written == tree(tmp_path / "local")
    again = dask_run(manifest, url, threads_client)  # resume: only the stories with errors are redone
    assert [r.story for r in again.results if r.skipped] == ["rates"]
    assert memory_tree(url) == written
    assert "run on Dask" in fsspec.filesystem("memory").cat_file("/newscompare-test-run/run.log").decode()


def test_a_failing_task_is_an_error_row_and_the_run_goes_on(tmp_path, threads_client, monkeypatch):
    manifest = make_corpus(tmp_path / "corpus")
    real = engine.run_story

    def flaky(job, ctx):
        if job.story == "rates":
            raise RuntimeError("worker-side bug")
        return real(job, ctx)

    monkeypatch.setattr(engine, "run_story", flaky)
    result = dask_run(manifest, tmp_path / "out", threads_client)
    rows = {r.story: r.rows for r in result.results}
    assert [row["error"] for row in rows["rates"]] == ["failed: RuntimeError: worker-side bug"]
    assert any(row["status"] == "ok" for row in rows["broken"]) and result.exit_code == 1
    assert "rates" in (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8")


def test_ctrl_c_cancels_and_the_next_run_resumes(tmp_path, threads_client):
    manifest = many_stories(tmp_path / "corpus", stories=6)
    seen = []

    def interrupt(report):
        seen.append(report.result.story)
        raise KeyboardInterrupt

    stopped = dask_run(manifest, tmp_path / "out", threads_client, observe=interrupt)
    assert stopped.interrupted and stopped.exit_code == 130
    assert 1 <= len(stopped.results) < 6 and seen[0] in {r.story for r in stopped.results}
    resumed = dask_run(manifest, tmp_path / "out", threads_client)
    assert resumed.exit_code == 0 and seen[0] in {r.story for r in resumed.results if r.skipped}
    local_run(manifest, tmp_path / "local")
    assert tree(tmp_path / "out") == tree(tmp_path / "local")


@pytest.mark.slow
def test_a_worker_killed_mid_run_loses_nothing(tmp_path):
    manifest = many_stories(tmp_path / "corpus", stories=10)
    local_run(manifest, tmp_path / "local")
    killed = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        def kill_a_busy_worker(report):
            if killed:
                return
            processing = client.processing()  # worker address -> keys it runs
            pids = client.run(os.getpid)
            busy = [address for address, keys in processing.items() if keys] or list(pids)
            killed.append(pids[busy[0]])
            os.kill(pids[busy[0]], signal.SIGKILL)

        result = dask_run(manifest, tmp_path / "dask", client, observe=kill_a_busy_worker)
        # spawned workers re-import the parent's __main__: never the dashboard script (see conftest)
        assert not any(client.run(lambda: "streamlit" in sys.modules).values())
        assert killed and killed[0] not in client.run(os.getpid).values()  # the nanny started a new one
    assert result.exit_code == 0 and len(result.results) == 10 and all(r.complete for r in result.results)
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")


def test_the_local_run_imports_no_dask():
    import subprocess
    import sys

    code = ("import sys; from compare import batch, cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           cwd=Path(__file__).resolve().parents[1])
    assert found.stdout.strip() == "[]"


@pytest.mark.slow
def test_a_real_sigint_stops_the_cli_cleanly_and_the_rerun_resumes(tmp_path):
    """Ctrl-C as a user sends it: SIGINT to ``newscompare --scheduler local:1`` once a story is written."""
    import subprocess
    import time

    manifest = many_stories(tmp_path / "corpus", stories=40)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "compare", str(manifest), "--out", str(out), "--backend", "hashing",
               "--no-progress", "--scheduler", "local:1"]
    root = Path(__file__).resolve().parents[1]
    # A job started in the background of a non-interactive shell (as CI may be) inherits SIGINT
    # ignored, and Python then installs no KeyboardInterrupt handler: give the child a terminal's default.
    run = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 240
    while not list(out.glob("s*/done.json")) and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=120)
    finished = sorted(p.parent.name for p in out.glob("s*/done.json"))
    assert run.returncode == 130, err[-2000:]
    assert "Traceback" not in err and 1 <= len(finished) < 40
    again = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=400)
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"{len(finished)} already complete" in again.stdout + again.stderr
    local_run(manifest, tmp_path / "local")
    assert tree(out) == tree(tmp_path / "local")
