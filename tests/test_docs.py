"""The documentation keeps up with the code: every column and command is described."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.__main__ import build_parser
from analysis.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("table", "column"), [(t.name, c.name) for t in TABLES.values() for c in t.columns])
def test_every_column_is_documented_in_the_data_readme(table, column):
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert f"`{column}`" in text, f"data/README.md does not describe {table}.{column}"


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"python -m analysis {name}" in readme, f"README.md does not show `python -m analysis {name}`"


def test_every_dependency_is_explained_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").lower()
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        name = line.split("#")[0].strip().split(">")[0].split("=")[0].split("<")[0].strip()
        if name:
            assert f"**{name.lower()}**" in readme, f"README.md does not say why {name} is a dependency"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash tests/run.sh" in readme and "bash tests/run.sh" in ci
