"""Failure reports: the stage a traceback names."""
import pytest

from compare.failures import describe_failure, stage_of


@pytest.mark.parametrize("module, stage", [
    ("compare.segment", "segment"),
    ("compare.encoders.onnx", "embed"),  # a package's modules name its stage
    ("compare.encoders.caching", "embed"),
    ("compare.encoders.gate", None),  # the batch run's wrapper is no stage
    ("compare.story", "matrix"),
    ("compare.facts.match", "facts"),
    ("compare.facts.units", "facts"),
    ("compare.framing.labels", "framing"),
    ("compare.pipeline", ""),  # resets: a crash in the orchestrator is in no stage
    ("compare.names", None),  # shared helper
    ("compare.links.signals", None),
])
def test_stage_of_module(module, stage):
    assert stage_of(module) == stage


def test_describe_failure_names_the_deepest_stage():
    from compare.encoders import HashingEmbedder

    try:
        HashingEmbedder().encode(None)  # type: ignore[arg-type]
    except TypeError as exc:
        failure = describe_failure(exc)
    assert failure.stage == "embed" and failure.error.startswith("TypeError: ")
