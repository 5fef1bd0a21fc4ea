"""Output identity: digests of every batch output on a fixed corpus.

A restructuring that claims "behaviour unchanged" proves it here: run once
before (``--save``), once after (``--check``). The corpus is the bundled seed
story plus the first N BASIL dev stories (written to a temporary folder at run
time; nothing is copied into the repository). Every output file is hashed
(story.json, matrix.csv, the HTML report, summary.csv); ``run.log``,
``done.json`` (resume marker) and lock/temporary files are left out, since
they hold times and paths.

    python benchmarks/output_identity.py --save /tmp/before.json
    python benchmarks/output_identity.py --check /tmp/before.json
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import REPO, SHARED, read_jsonl
from batch_throughput import BASIL, write_corpus

SKIP = {"run.log", "done.json"}  # times and absolute paths; the resume marker, not an output


def build_corpus(root: Path, stories: int) -> Path:
    """Seed story + the first ``stories`` BASIL dev stories -> root/manifest.csv."""
    manifest = write_corpus(read_jsonl(BASIL)[:stories], root, copies=1)
    seed = root / "duma-recognition"
    shutil.copytree(REPO / "corpus" / "duma-recognition", seed)
    with open(manifest, "a", encoding="utf-8") as fh:
        for line in (REPO / "corpus" / "manifest.csv").read_text(encoding="utf-8").splitlines()[1:]:
            fh.write(line + "\n")
    return manifest


def digests(out: Path) -> dict[str, str]:
    """Relative path -> sha256 of every output file except logs and temporaries."""
    found = {}
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.name not in SKIP and not path.name.startswith(".") and ".tmp" not in path.name \
                and not path.name.endswith(".lock"):
            found[str(path.relative_to(out))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def run(stories: int) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        manifest = build_corpus(root / "corpus", stories)
        out = root / "out"
        subprocess.run([sys.executable, "-m", "compare", str(manifest), "--out", str(out), "--no-progress", "-q"],
                       check=True, cwd=REPO)
        return digests(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10, help="BASIL dev stories besides the seed (default: 10)")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, help="write the digests to this file")
    group.add_argument("--check", type=Path, help="compare with digests saved earlier")
    args = parser.parse_args()
    found = run(args.stories)
    if args.save:
        args.save.write_text(json.dumps(found, indent=1, sort_keys=True), encoding="utf-8")
        print(f"{len(found)} output files hashed -> {args.save}")
        return 0
    saved = json.loads(args.check.read_text(encoding="utf-8"))
    changed = sorted(k for k in saved.keys() & found.keys() if saved[k] != found[k])
    missing, extra = sorted(saved.keys() - found.keys()), sorted(found.keys() - saved.keys())
    for label, names in (("changed", changed), ("missing", missing), ("new", extra)):
        for name in names:
            print(f"{label}: {name}")
    print(f"{len(found)} output files; {len(changed)} changed, {len(missing)} missing, {len(extra)} new")
    return 1 if changed or missing or extra else 0


if __name__ == "__main__":
    sys.exit(main())
