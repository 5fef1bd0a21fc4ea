"""The README's set-up commands and CI stay in step."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^    (python3 -m venv .+)$", text, re.M)


def test_readme_opens_with_two_setup_commands():
    commands = readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("streamlit run app.py")
    assert "pytest" in commands[1]
    assert all("-c constraints-cpu.txt" in c for c in commands)


def test_ci_runs_the_readme_test_command_verbatim():
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert readme_commands()[1] in ci_lines


def test_constraints_pin_cpu_torch():
    assert "torch==2.13.0" in (ROOT / "constraints-cpu.txt").read_text().splitlines()


def test_every_subpackage_is_in_the_wheel():
    listed = re.search(r"^packages = \[(.*)\]$", (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    packages = set(re.findall(r'"([\w.]+)"', listed.group(1)))
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "compare").rglob("__init__.py")}
    assert found <= packages, f"add to pyproject.toml packages: {sorted(found - packages)}"
