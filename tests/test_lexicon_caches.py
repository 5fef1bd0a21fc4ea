"""One definition per word list (compare/lexicon.py) and one switch for every cache (compare/caches.py)."""
import ast
from pathlib import Path

from compare import caches, lexicon

PACKAGE = Path(__file__).resolve().parents[1] / "compare"


def test_word_lists_are_defined_only_in_the_lexicon():
    """No module outside lexicon.py defines a module-level set of words that the lexicon already holds."""
    lists = {name: value for name, value in vars(lexicon).items()
             if name.isupper() and isinstance(value, frozenset) and all(isinstance(w, str) for w in value)}
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "lexicon.py" or "data" in path.parts or str(path.relative_to(PACKAGE)) in LISTS_PENDING:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.Assign):
                continue
            try:
                value = ast.literal_eval(node.value.args[0]) if isinstance(node.value, ast.Call) else \
                    ast.literal_eval(node.value)
            except (ValueError, IndexError, AttributeError, TypeError, SyntaxError):
                continue
            if isinstance(value, (set, frozenset, tuple, list)) and len(value) >= 4:
                words = {w for w in value if isinstance(w, str)}
                for name, known in lists.items():
                    if len(words & known) >= 0.6 * len(words) and len(words & known) >= 4:
                        offenders.append(f"{path.name}:{node.lineno} repeats lexicon.{name}")
    assert offenders == [], offenders


def test_the_two_title_lists_differ_only_by_institution_words():
    assert lexicon.TITLES < lexicon.TITLES_WITH_INSTITUTIONS
    assert lexicon.TITLES_WITH_INSTITUTIONS - lexicon.TITLES == {"house", "senate", "state"}
    assert {"president", "mayor", "senator"} <= lexicon.TITLES


def test_report_verbs_are_one_list_with_stance_classes():
    assert {"say", "claim", "deny", "tweet", "according" if False else "accord"} <= lexicon.REPORT_VERBS
    assert lexicon.REPORT_VERB_CLASS["claim"] == "distancing"
    assert lexicon.REPORT_VERB_CLASS["say"] == "neutral"
    assert lexicon.REPORT_VERBS == frozenset(lexicon.REPORT_VERB_CLASS)


def test_months_know_abbreviations():
    assert lexicon.MONTHS["sept"] == lexicon.MONTHS["sep"] == lexicon.MONTHS["september"] == 9
    assert lexicon.POSSESSIVE.sub("", "Putin\u2019s") == "Putin"
    assert lexicon.POSSESSIVE.sub("", "Jones'") == "Jones"


def test_clear_caches_empties_registered_caches():
    calls = []

    @caches.memo(maxsize=8)
    def square(x):
        calls.append(x)
        return x * x

    assert square(3) == square(3) == 9
    assert calls == [3]
    cleared = caches.clear_caches()
    assert cleared >= 1
    square(3)
    assert calls == [3, 3]


def test_model_caches_survive_unless_asked():
    loads = []

    @caches.memo(maxsize=1, model=True)
    def load(name):
        loads.append(name)
        return object()

    first = load("m")
    caches.clear_caches()
    assert load("m") is first
    caches.clear_caches(models=True)
    assert load("m") is not first
    assert loads == ["m", "m"]


def test_no_module_uses_a_bare_lru_cache():
    """Every cache goes through caches.memo so clear_caches reaches it."""
    bare = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
            if p.name != "caches.py" and "lru_cache(" in p.read_text(encoding="utf-8")]
    assert sorted(bare) == sorted(BARE_ALLOWED), bare


# Modules allowed a bare lru_cache (none: every cache goes through caches.memo).
BARE_ALLOWED: list = []
LISTS_PENDING: set = set()
