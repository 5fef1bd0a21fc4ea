"""Embedding stage on ONNX Runtime: the sentence encoder exported to ONNX (fp32 or int8).

The ONNX file is built locally, the first time it is needed, from the same
sentence-transformers model directory the torch backend loads (no download):
torch's exporter turns the transformer into a graph from token ids to its
last hidden state; ONNX Runtime's dynamic quantization makes the int8 variant.
Tokenization uses the model's own ``tokenizer.json``; pooling and
normalisation follow the model's own sentence-transformers config, in numpy.
Built files are cached per user, keyed by the model files and the versions of
the tools that built them, written atomically under a file lock.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

from ..caches import memo
from ..config import CACHE_DIR_ENV, DEFAULT_MODEL, ONNX_MAX_BATCH, env_setting
from ..outputs import atomic_path, remove_stale_temporaries
from .base import ModelLoadError, TokenVectors, normalise_rows, resolve_model

log = logging.getLogger(__name__)

CACHE_ENV = CACHE_DIR_ENV
# Bump when the export or quantization recipe changes: old cache entries are then ignored.
RECIPE = "hidden-state-v1"
# Versions that change what an exported or quantized file contains.
TOOL_VERSIONS = ("torch", "transformers", "onnx", "onnxscript", "onnxruntime")
ONNX_FILES = {False: "model.onnx", True: "model-int8.onnx"}


class OnnxBuildError(ModelLoadError):
    """The ONNX file could not be exported, quantized or loaded."""


# --- cache location and keys -------------------------------------------------

def cache_root() -> Path:
    """Per-user cache directory: $NEWSCOMPARE_CACHE_DIR, else platformdirs'
    user cache dir, else $XDG_CACHE_HOME (or ~/.cache) / newscompare."""
    override = env_setting(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    try:
        import platformdirs
    except ImportError:
        base = env_setting("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(base) / "newscompare"
    return Path(platformdirs.user_cache_dir("newscompare", appauthor=False))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def model_fingerprint(model_dir: Path) -> dict:
    """Name, size and modification time of every file of the model: cheap to
    compute (no hashing of the weights) and changes whenever a file does."""
    files = sorted(p for p in model_dir.rglob("*") if p.is_file() and not p.name.startswith("."))
    return {str(p.relative_to(model_dir)): [p.stat().st_size, p.stat().st_mtime_ns] for p in files}


def cache_folder(model_dir: Path) -> Path:
    """Cache folder of one model for the installed tool versions."""
    key = {"model": str(model_dir.resolve()), "files": model_fingerprint(model_dir), "recipe": RECIPE,
           "versions": {name: _version(name) for name in TOOL_VERSIONS}}
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", "-".join(model_dir.resolve().parts[-2:])).strip("-")
    return cache_root() / "onnx" / f"{slug}-{digest}"


# --- atomic, checksummed cache files ------------------------------------------

def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checksum_file(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def is_intact(path: Path) -> bool:
    """True when ``path`` exists and matches the checksum written when it was
    built (a truncated, edited or half-written file does not)."""
    try:
        return _checksum_file(path).read_text().strip() == _sha256(path)
    except OSError:
        return False


def write_atomically(path: Path, build: Callable[[Path], None]) -> None:
    """Run ``build(tmp)`` on a temporary file beside ``path``, then move it
    into place and record its checksum, both with ``outputs.atomic_path``. A
    crash leaves at most a stray temporary file, never a half-written ``path``."""
    with atomic_path(path) as tmp:
        build(tmp)
        digest = _sha256(tmp)
    with atomic_path(_checksum_file(path)) as tmp:
        tmp.write_text(digest + "\n")


# --- reading the sentence-transformers model directory -----------------------

@dataclass(frozen=True)
class ModelLayout:
    """What the ONNX backend needs from a sentence-transformers directory."""

    transformer_dir: Path  # holds config.json, weights and tokenizer.json
    pooling: str  # "mean" | "cls" | "max"
    max_seq_length: int


def _read_json(path: Path, default: dict | list) -> dict | list:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default


POOLING_KEYS = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls", "pooling_mode_max_tokens": "max"}


def pooling_mode(config: dict) -> str:
    """The one pooling mode a sentence-transformers Pooling config switches on."""
    switched_on = [key for key, value in config.items() if key.startswith("pooling_mode") and value is True]
    if len(switched_on) != 1 or switched_on[0] not in POOLING_KEYS:
        raise OnnxBuildError(f"the ONNX backend supports mean, cls or max pooling alone, got {switched_on}")
    return POOLING_KEYS[switched_on[0]]


def read_layout(model_dir: Path) -> ModelLayout:
    """Transformer folder, pooling and sequence length from modules.json and
    the module configs (a bare transformers folder means mean pooling)."""
    modules = _read_json(model_dir / "modules.json", [])
    folder = {m["type"].rsplit(".", 1)[-1]: model_dir / m.get("path", "") for m in modules}
    transformer_dir = folder.get("Transformer", model_dir)
    pooling = pooling_mode(_read_json(folder["Pooling"] / "config.json", {})) if "Pooling" in folder else "mean"
    st_config = _read_json(transformer_dir / "sentence_bert_config.json", {})
    tokenizer_config = _read_json(transformer_dir / "tokenizer_config.json", {})
    max_len = st_config.get("max_seq_length") or min(tokenizer_config.get("model_max_length", 512), 512)
    if not (transformer_dir / "tokenizer.json").exists():
        raise OnnxBuildError(f"the ONNX backend needs a fast tokenizer file {transformer_dir / 'tokenizer.json'}")
    return ModelLayout(transformer_dir, pooling, int(max_len))


# --- building the ONNX files -------------------------------------------------

def export_onnx(transformer_dir: Path, target: Path) -> None:
    """Export the transformer to ``target``: (input_ids, attention_mask
    [, token_type_ids]) -> last_hidden_state (batch, seq, d), dynamic batch and
    sequence axes; checked against torch on a padded batch."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(transformer_dir)).eval()
    names = ["input_ids", "attention_mask"]
    if getattr(model.config, "type_vocab_size", 0):
        names.append("token_type_ids")

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            extra = {} if token_type_ids is None else {"token_type_ids": token_type_ids}
            return self.inner(input_ids=input_ids, attention_mask=attention_mask, **extra).last_hidden_state

    wrapper = LastHiddenState(model).eval()
    # A padded example row, so the export keeps the attention-mask path.
    example = _example_inputs(torch, 2, 8, len(names))
    batch, seq = torch.export.Dim("batch"), torch.export.Dim("sequence")
    with torch.no_grad():
        program = torch.onnx.export(wrapper, example, None, dynamo=True, input_names=names,
                                    output_names=["last_hidden_state"], verbose=False,
                                    dynamic_shapes={name: {0: batch, 1: seq} for name in names})
        program.save(str(target), external_data=False)
        check = _example_inputs(torch, 3, 11, len(names))
        expected = wrapper(*check).numpy()
    _check_export(target, names, [t.numpy() for t in check], expected)


def _example_inputs(torch, rows: int, length: int, n_inputs: int) -> tuple:
    ids = torch.randint(1000, 2000, (rows, length))
    mask = torch.ones((rows, length), dtype=torch.long)
    mask[0, length // 2:] = 0
    return (ids, mask, torch.zeros_like(ids))[:n_inputs]


def _check_export(path: Path, names: list[str], inputs: list[np.ndarray], expected: np.ndarray) -> None:
    # The exporter can silently bake a shape or a branch into the graph: compare on
    # a batch of another shape before the file is trusted.
    session = _session(path)
    got = session.run(None, dict(zip(names, inputs)))[0]
    real = inputs[1].astype(bool)
    error = float(np.abs(got - expected)[real].max())
    if error > 1e-3:
        raise OnnxBuildError(f"ONNX export of {path.name} differs from torch by {error:.2g}")


def quantize_int8(source: Path, target: Path) -> None:
    """Dynamic int8 quantization (weights int8 per output channel, activations
    quantized per batch at run time). Per-channel scales keep the mean cosine
    to torch at ~0.99 on BASIL; per-tensor scales drop it to ~0.96; keeping the
    feed-forward outputs in fp32 gains 0.004 for 15% of the speed (docs/encoders.md)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True)


def _lock(folder: Path):
    from filelock import FileLock

    return FileLock(str(folder / "build.lock"), timeout=900)


def onnx_file(model_dir: Path, quantized: bool) -> Path:
    """Path of the cached ONNX file, exporting (and quantizing) it first when
    it is missing or corrupt. Safe when several processes ask at once."""
    folder = cache_folder(model_dir)
    target = folder / ONNX_FILES[quantized]
    if is_intact(target):
        return target
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _lock(folder):
            _build_missing(model_dir, folder, quantized)
    except OSError as exc:
        raise OnnxBuildError(f"cannot write the ONNX cache in {folder}: {exc}. "
                             f"Point {CACHE_ENV} at a writable directory.") from exc
    return target


def _build_missing(model_dir: Path, folder: Path, quantized: bool) -> None:
    # Every build holds the lock, so a temporary file seen now was left by a
    # builder that died: remove it rather than let crashes fill the disk.
    remove_stale_temporaries(folder)
    # Re-checked under the lock: another process may have finished meanwhile.
    fp32 = folder / ONNX_FILES[False]
    layout = read_layout(model_dir)
    int8 = folder / ONNX_FILES[True]
    try:
        if not is_intact(fp32):
            log.info("exporting %s to ONNX in %s (once per model and versions)", model_dir, folder)
            write_atomically(fp32, lambda tmp: export_onnx(layout.transformer_dir, tmp))
        if quantized and not is_intact(int8):
            log.info("quantizing %s to int8", fp32)
            write_atomically(int8, lambda tmp: quantize_int8(fp32, tmp))
    except (OnnxBuildError, OSError):
        raise
    except Exception as exc:  # the exporter and quantizer raise many types
        raise OnnxBuildError(f"could not build the ONNX encoder for {model_dir}: {exc}") from exc
    info = {"model": str(model_dir), "recipe": RECIPE, "versions": {n: _version(n) for n in TOOL_VERSIONS}}
    write_atomically(folder / "info.json", lambda tmp: tmp.write_text(json.dumps(info, indent=2)))


def _session(path: Path, threads: int | None = None):
    import onnxruntime as ort

    options = ort.SessionOptions()
    if threads:  # default: one per core
        options.intra_op_num_threads = threads
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle intra-op threads sleep instead of spinning: between batches, and
    # while a batch run's other thread parses and compares (--workers 2), a
    # spinning thread burns a core that spaCy and the analysis need. BASIL
    # batch, 2 cores: same wall time alone (55.6 vs 56.5 s), 9% less CPU time;
    # with 2 workers 49.8 s instead of 52.8 s (docs/cli.md).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


# --- encoding ---------------------------------------------------------------

def pad_batch(ids: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask), both int64 (rows, longest), zero-padded."""
    length = max((len(row) for row in ids), default=0)
    input_ids = np.zeros((len(ids), length), dtype=np.int64)
    mask = np.zeros_like(input_ids)
    for row, tokens in enumerate(ids):
        input_ids[row, :len(tokens)] = tokens
        mask[row, :len(tokens)] = 1
    return input_ids, mask


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of the unmasked token vectors: (batch, seq, d), (batch, seq) -> (batch, d)."""
    weights = mask[..., None].astype(hidden.dtype)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)


def cls_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The first token's vector: (batch, seq, d) -> (batch, d)."""
    return hidden[:, 0]


def max_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per-dimension maximum over unmasked tokens: (batch, seq, d) -> (batch, d)."""
    return np.where(mask[..., None].astype(bool), hidden, -1e9).max(axis=1)


POOLING = {"mean": mean_pool, "cls": cls_pool, "max": max_pool}


def onnx_batch_size(requested: int) -> int:
    """The batch size the ONNX backend runs: the config's ``batch_size``
    capped at ``config.ONNX_MAX_BATCH`` (logged once per requested size)."""
    size = max(1, min(requested, ONNX_MAX_BATCH))
    if size < requested:
        _log_batch_cap(requested, size)
    return size


@memo(maxsize=None)
def _log_batch_cap(requested: int, size: int) -> None:
    log.info("ONNX backend: batch size %d capped at %d (config.ONNX_MAX_BATCH: small batches are faster "
             "on ONNX Runtime)", requested, size)


class OnnxEmbedder:
    """Sentence encoder on ONNX Runtime (``quantized``: the int8 file); the
    ONNX file is built or loaded on first use."""

    def __init__(self, model: str = DEFAULT_MODEL, quantized: bool = False, batch_size: int = 64):
        self.name = f"{model} [onnx{'-int8' if quantized else ''}]"
        self.model = model
        self.quantized = quantized
        self.batch_size = onnx_batch_size(batch_size)
        self.threads: int | None = None
        self._runtime = None
        self._lock = threading.Lock()

    @property
    def runtime(self) -> tuple:
        """(session, tokenizer, layout), loaded once."""
        with self._lock:
            if self._runtime is None:
                self._runtime = load_runtime(local_model_dir(resolve_model(self.model)), self.quantized,
                                             self.threads)
        return self._runtime

    def set_threads(self, threads: int | None) -> None:
        """Intra-op threads of the session (None: one per core); a loaded
        session is rebuilt on next use. One thread leaves the other core of a
        2-core machine to spaCy and the analysis when a batch overlaps them."""
        with self._lock:
            if threads != self.threads:
                self.threads, self._runtime = threads, None

    @property
    def dimension(self) -> int:
        return int(self.runtime[0].get_outputs()[0].shape[-1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), d) float32 unit rows, pooled as the model's config says."""
        return self._run(texts, sentences=True, tokens=False)[0]

    def encode_tokens(self, texts: Sequence[str]) -> list[TokenVectors]:
        """Per text: ((n, 2) int64 char offsets, (n, d) float32 unit last-layer
        token vectors), special and padding tokens dropped."""
        return self._run(texts, sentences=False, tokens=True)[1]

    def encode_with_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[TokenVectors]]:
        """``encode`` and ``encode_tokens`` from one pass of the model."""
        return self._run(texts, sentences=True, tokens=True)

    def _run(self, texts: Sequence[str], sentences: bool, tokens: bool) -> tuple[np.ndarray, list[TokenVectors]]:
        pooled = np.zeros((len(texts), self.dimension if sentences else 0), dtype=np.float32)
        per_token: list[TokenVectors] = [None] * len(texts) if tokens else []  # type: ignore[list-item]
        pool = POOLING[self.runtime[2].pooling]
        for rows, encodings, hidden, mask in self._hidden_states(texts):
            if sentences:
                pooled[rows] = pool(hidden, mask)
            for k, (row, encoding) in enumerate(zip(rows, encodings) if tokens else ()):
                keep = np.asarray(encoding.special_tokens_mask) == 0
                offsets = np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2)[keep]
                per_token[row] = (offsets, normalise_rows(hidden[k, :len(encoding.ids)][keep]))
        return (normalise_rows(pooled) if sentences else pooled), per_token

    def _hidden_states(self, texts: Sequence[str]) -> Iterator[tuple[np.ndarray, list, np.ndarray, np.ndarray]]:
        """Per batch: (row indices into texts, encodings, last hidden state, mask).
        Texts are batched by length so that little of each batch is padding."""
        session, tokenizer, _ = self.runtime
        encodings = tokenizer.encode_batch(list(texts)) if len(texts) else []
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
        input_names = [i.name for i in session.get_inputs()]
        for start in range(0, len(order), self.batch_size):
            rows = order[start:start + self.batch_size]
            batch = [encodings[r] for r in rows]
            ids, mask = pad_batch([e.ids for e in batch])
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = session.run(None, {name: feed[name] for name in input_names})[0]
            yield rows, batch, hidden, mask


def local_model_dir(model: str) -> Path:
    """The directory of ``model``: a path, or a Hugging Face name already in
    the local cache (never downloaded; bare names are sentence-transformers')."""
    if Path(model).is_dir():
        return Path(model)
    try:
        from huggingface_hub import snapshot_download

        repo = model if "/" in model else f"sentence-transformers/{model}"
        return Path(snapshot_download(repo, local_files_only=True))
    except Exception as exc:  # not cached, bad name, or no huggingface_hub
        raise OnnxBuildError(f"the ONNX backend needs a local model directory or a model already in the "
                             f"Hugging Face cache, got {model!r}") from exc


def load_runtime(model_dir: Path, quantized: bool, threads: int | None = None) -> tuple:
    """(ONNX Runtime session, tokenizer, layout) for a local model directory."""
    from tokenizers import Tokenizer

    layout = read_layout(model_dir)
    tokenizer = Tokenizer.from_file(str(layout.transformer_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=layout.max_seq_length)
    tokenizer.no_padding()  # padded per batch in pad_batch
    path = onnx_file(model_dir, quantized)
    try:
        session = _session(path, threads)
    except Exception as exc:  # onnxruntime raises several unrelated types
        raise OnnxBuildError(f"ONNX Runtime cannot load {path}: {exc}. Delete the folder to rebuild it.") from exc
    log.info("loaded %s", path)
    return session, tokenizer, layout
