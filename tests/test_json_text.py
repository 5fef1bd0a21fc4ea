"""json_text.indented_json gives json.dumps(..., ensure_ascii=False, indent=2)'s text exactly."""
from __future__ import annotations

import json
import math
from enum import IntEnum

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from compare.json_text import indented_json, line_breaks, structure

# Characters that could confuse a layout done on the encoded text: JSON's own
# punctuation and escapes inside strings, control characters, non-ASCII, astral.
TRICKY = st.sampled_from(list('"\\[]{},: \n\r\t\b\f\x00\x01\x1f\x7f\u2028\u00e9\u4e60\U0001F44D') + ['\\"', '\\\\"', '"]', "[]", "{}"])
STRINGS = st.one_of(st.text(max_size=12), st.lists(TRICKY, max_size=8).map("".join))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=-2 ** 80, max_value=2 ** 80),
                    st.floats(allow_nan=True, allow_infinity=True), STRINGS)
KEYS = st.one_of(STRINGS, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=5), st.tuples(inner, inner),
                                                       st.dictionaries(KEYS, inner, max_size=5)), max_leaves=40)
RANDOM = settings(max_examples=600, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def reference(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


@given(VALUES)
@RANDOM
def test_same_text_as_json_dumps_on_random_values(data):
    assert indented_json(data) == reference(data)


class Level(IntEnum):
    LOW = 1


@pytest.mark.parametrize("data", [
    0, -1.5, 1e-05, 1e16, math.inf, -math.inf, math.nan, True, None, "", '"', "\\", '\\"', "a\"b\\c", "[{,}]",
    [], {}, [[]], [{}], {"": {}}, {"a": []}, [[], {}, [[]]], {"k": [1, [2, [3, {"x": {}}]]]},
    {1: "int key", 2.5: "float key", False: "bool key", None: "none key"},
    {"tuple": (1, "two"), "enum": Level.LOW, "np float": np.float64(0.25), "big": 2 ** 100},
    {"backslash at end\\": [1, 2]}, {"quote at end\\": "\\", "\u00e9\u4e60\U0001F44D": ["\u2028", "\x00\x1f\x7f"]},
    [{"spans": [[0, 5], [7, 9]], "text": "Kyiv \"city\"", "status": "shared"}, None, {"links": {"clusters": []}}],
])
def test_same_text_as_json_dumps_on_edge_cases(data):
    assert indented_json(data) == reference(data)


def test_structure_skips_punctuation_inside_strings():
    code = b'{"a": ["x,y]"],"b\\\\": "\\"[",1: {}}'
    assert [chr(code[i]) for i in structure(code)] == ["{", "[", "]", ",", ",", "{", "}", "}"]


def test_line_breaks_by_depth_skip_empty_containers():
    at, length = line_breaks(b'{"a": [1,[]],"b": {}}')
    # after "{" (depth 1: newline + 2 spaces), after "[" and "," inside the list (depth 2),
    # before the list's "]" (depth 1), after "," (depth 1), before the last "}" (depth 0)
    assert list(zip(at.tolist(), length.tolist())) == [(1, 3), (7, 5), (9, 5), (11, 3), (13, 3), (20, 1)]


def test_errors_are_json_dumps_errors():
    with pytest.raises(TypeError):
        indented_json({"a": object()})
