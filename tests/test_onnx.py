"""ONNX Runtime encoder (encoders/onnx.py): pooling maths, cache files, and
(slow) the real export against torch."""
from __future__ import annotations

import json
import threading

import numpy as np
import pytest

from compare.encoders import onnx as ob
from compare.encoders import BACKENDS, get_embedder


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(ob.CACHE_ENV, str(tmp_path / "cache"))


# --- pooling and batching -----------------------------------------------------

HIDDEN = np.array([[[1.0, 0.0], [3.0, 2.0], [100.0, 100.0]],
                   [[0.0, 4.0], [-1.0, -1.0], [-1.0, -1.0]]], dtype=np.float32)
MASK = np.array([[1, 1, 0], [1, 0, 0]])


@pytest.mark.parametrize("mode, expected", [
    ("mean", [[2.0, 1.0], [0.0, 4.0]]),  # the padded third token (100, 100) is ignored
    ("cls", [[1.0, 0.0], [0.0, 4.0]]),
    ("max", [[3.0, 2.0], [0.0, 4.0]]),  # padding never wins, even when larger
])
def test_pooling_ignores_padding(mode, expected):
    np.testing.assert_allclose(ob.POOLING[mode](HIDDEN, MASK), expected)


def test_pad_batch_zero_pads_to_the_longest_row():
    ids, mask = ob.pad_batch([[101, 7, 102], [101, 102]])
    assert ids.tolist() == [[101, 7, 102], [101, 102, 0]]
    assert mask.tolist() == [[1, 1, 1], [1, 1, 0]]
    assert ids.dtype == mask.dtype == np.int64


@pytest.mark.parametrize("config, expected", [
    ({"pooling_mode_mean_tokens": True, "pooling_mode_cls_token": False}, "mean"),
    ({"pooling_mode_cls_token": True, "word_embedding_dimension": 384}, "cls"),
    ({"pooling_mode_max_tokens": True, "include_prompt": True}, "max"),
    ({"pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": True}, None),  # two modes
    ({"pooling_mode_mean_sqrt_len_tokens": True}, None),  # unsupported mode
    ({}, None),
])
def test_pooling_mode(config, expected):
    if expected is None:
        with pytest.raises(ob.OnnxBuildError):
            ob.pooling_mode(config)
    else:
        assert ob.pooling_mode(config) == expected


def test_read_layout_follows_modules_json(tmp_path):
    (tmp_path / "0_T").mkdir()
    (tmp_path / "0_T" / "tokenizer.json").write_text("{}")
    (tmp_path / "0_T" / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 128}))
    (tmp_path / "1_P").mkdir()
    (tmp_path / "1_P" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True}))
    (tmp_path / "modules.json").write_text(json.dumps([
        {"path": "0_T", "type": "sentence_transformers.models.Transformer"},
        {"path": "1_P", "type": "sentence_transformers.models.Pooling"}]))
    assert ob.read_layout(tmp_path) == ob.ModelLayout(tmp_path / "0_T", "cls", 128)


def test_backends_are_listed_and_unknown_one_names_them():
    assert {"torch", "onnx", "onnx-int8"} <= set(BACKENDS)
    with pytest.raises(ValueError, match="onnx-int8"):
        get_embedder(backend="tensorflow")


# --- cache directory and files ------------------------------------------------

def test_cache_root_env_override_then_xdg(tmp_path, monkeypatch):
    assert ob.cache_root() == tmp_path / "cache"
    monkeypatch.delenv(ob.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert ob.cache_root() == tmp_path / "xdg" / "newscompare"


def test_cache_folder_changes_when_a_model_file_changes(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "weights.bin").write_bytes(b"abc")
    before = ob.cache_folder(model)
    assert ob.cache_folder(model) == before
    (model / "weights.bin").write_bytes(b"abcd")
    assert ob.cache_folder(model) != before


def test_write_atomically_records_checksum_and_detects_corruption(tmp_path):
    path = tmp_path / "f.onnx"
    ob.write_atomically(path, lambda tmp: tmp.write_bytes(b"x" * 100))
    assert ob.is_intact(path)
    path.write_bytes(b"x" * 50)  # truncated
    assert not ob.is_intact(path)
    assert not ob.is_intact(tmp_path / "missing.onnx")


def test_failed_build_leaves_nothing_behind(tmp_path):
    def broken(tmp):
        tmp.write_bytes(b"half")
        raise RuntimeError("exporter crashed")

    with pytest.raises(RuntimeError):
        ob.write_atomically(tmp_path / "f.onnx", broken)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def fake_builders(tmp_path, monkeypatch):
    """Replace export and quantization with cheap fakes that count their calls."""
    calls = {"export": 0, "quantize": 0}

    def export(transformer_dir, target):
        calls["export"] += 1
        target.write_bytes(b"fp32 graph")

    def quantize(source, target):
        calls["quantize"] += 1
        target.write_bytes(b"int8 of " + source.read_bytes())

    monkeypatch.setattr(ob, "export_onnx", export)
    monkeypatch.setattr(ob, "quantize_int8", quantize)
    model = tmp_path / "model"
    model.mkdir()
    (model / "tokenizer.json").write_text("{}")
    return model, calls


def test_missing_files_are_built_once(fake_builders):
    model, calls = fake_builders
    path = ob.onnx_file(model, quantized=True)
    assert path.read_bytes() == b"int8 of fp32 graph"
    assert ob.onnx_file(model, quantized=True) == path
    assert ob.onnx_file(model, quantized=False).read_bytes() == b"fp32 graph"
    assert calls == {"export": 1, "quantize": 1}


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete", "delete_checksum"])
def test_corrupt_or_missing_cache_file_is_rebuilt(fake_builders, damage):
    model, calls = fake_builders
    path = ob.onnx_file(model, quantized=True)
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:5])
    elif damage == "garbage":
        path.write_bytes(b"\x00\xff" * 10)
    elif damage == "delete":
        path.unlink()
    else:
        (path.parent / (path.name + ".sha256")).unlink()
    assert ob.onnx_file(model, quantized=True).read_bytes() == b"int8 of fp32 graph"
    assert calls == {"export": 1, "quantize": 2}  # the intact fp32 file is reused


def test_build_removes_files_left_by_a_crashed_builder(fake_builders):
    model, _ = fake_builders
    folder = ob.cache_folder(model)
    folder.mkdir(parents=True)
    (folder / ".model.onnx.tmp-123-456").write_bytes(b"half an export")  # outputs.atomic_path's name
    ob.onnx_file(model, quantized=False)
    assert not list(folder.glob(".*.tmp-*"))


def test_concurrent_builders_export_once(fake_builders):
    model, calls = fake_builders
    results, errors = [], []

    def build():
        try:
            results.append(ob.onnx_file(model, quantized=True).read_bytes())
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == [b"int8 of fp32 graph"] * 4
    assert calls == {"export": 1, "quantize": 1}


def test_unwritable_cache_is_a_readable_error(fake_builders, tmp_path, monkeypatch):
    model, _ = fake_builders
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv(ob.CACHE_ENV, str(blocker))
    with pytest.raises(ob.OnnxBuildError, match=ob.CACHE_ENV):
        ob.onnx_file(model, quantized=False)


# --- real model (slow): export, int8, same answers as torch ------------------

QUERY = "Russian lawmakers voted to ask Putin to recognize the breakaway regions."
CANDIDATES = [
    "The Duma backed a motion calling on Putin to recognize the Donbass republics.",
    "Parliament appealed to the president to recognise the two separatist areas as independent.",
    "The conflict in eastern Ukraine has killed about 15,000 people since 2014.",
    "Ukraine's foreign minister warned of consequences for the Minsk agreements.",
    "The city council approved a new budget for public libraries on Monday.",
]


@pytest.fixture(scope="module")
def real_embedders(tmp_path_factory):
    """torch, onnx and onnx-int8 embedders, the ONNX files built in a fresh cache."""
    from compare.encoders import SentenceTransformerEmbedder

    cache = tmp_path_factory.mktemp("onnx-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ob.CACHE_ENV, str(cache))
        onnx = {q: ob.OnnxEmbedder(quantized=q) for q in (False, True)}
        onnx[True].runtime  # builds both files (int8 is made from fp32)
        onnx[False].runtime
        yield SentenceTransformerEmbedder(), onnx[False], onnx[True], cache


def ranking(embedder) -> list[int]:
    vectors = embedder.encode([QUERY] + CANDIDATES)
    return np.argsort(-(vectors[1:] @ vectors[0])).tolist()


@pytest.mark.slow
def test_onnx_ranks_sentences_like_torch(real_embedders):
    torch_embedder, onnx, int8, _ = real_embedders
    expected = ranking(torch_embedder)
    assert ranking(onnx) == expected
    assert ranking(int8) == expected


@pytest.mark.slow
def test_onnx_embeddings_match_torch(real_embedders):
    torch_embedder, onnx, int8, _ = real_embedders
    texts = [QUERY] + CANDIDATES + ["Hi", ""]
    reference = torch_embedder.encode(texts)
    assert (onnx.encode(texts) * reference).sum(axis=1).min() > 0.9999
    assert (int8.encode(texts) * reference).sum(axis=1).min() > 0.95
    assert onnx.encode([]).shape == (0, 384)


@pytest.mark.slow
def test_token_vectors_match_torch(real_embedders):
    torch_embedder, onnx, *_ = real_embedders
    texts = [QUERY, "Kyiv (Kiev) said: 15,000 killed."]
    for (offsets, vectors), (ref_offsets, ref_vectors), text in zip(
            onnx.encode_tokens(texts), torch_embedder.encode_tokens(texts), texts):
        np.testing.assert_array_equal(offsets, ref_offsets)
        assert all(text[start:end].strip() for start, end in offsets)
        assert (vectors * ref_vectors).sum(axis=1).min() > 0.999
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_corrupt_real_int8_file_is_rebuilt(real_embedders, monkeypatch):
    *_, int8, cache = real_embedders
    monkeypatch.setenv(ob.CACHE_ENV, str(cache))
    path = ob.onnx_file(ob.Path(ob.resolve_model(int8.model)), quantized=True)
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    fresh = ob.OnnxEmbedder(quantized=True)
    np.testing.assert_allclose(fresh.encode(CANDIDATES), int8.encode(CANDIDATES), atol=1e-6)


def test_unknown_model_name_is_a_readable_error(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ob.OnnxBuildError, match="local model directory"):
        ob.local_model_dir("no-such-org/no-such-model-xyz")


def test_batch_size_is_capped_for_onnx_and_the_cap_is_logged_once(caplog):
    from compare.config import ONNX_MAX_BATCH

    ob._log_batch_cap.cache_clear()
    with caplog.at_level("INFO", logger="compare.encoders.onnx"):
        assert ob.OnnxEmbedder(batch_size=64).batch_size == ONNX_MAX_BATCH == 8
        assert ob.OnnxEmbedder(batch_size=64).batch_size == 8
        assert ob.OnnxEmbedder(batch_size=3).batch_size == 3
    assert [r.getMessage() for r in caplog.records] == [
        "ONNX backend: batch size 64 capped at 8 (config.ONNX_MAX_BATCH: small batches are faster on ONNX Runtime)"]

