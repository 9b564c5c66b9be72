"""The runtime reference in docs/runtime.md must describe every field the models have, with true defaults."""

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from llmhub_runtime import (
    CircuitBreakerConfig,
    ProviderConfig,
    ResilienceConfig,
    RoleConfig,
    RoleDefaultsConfig,
    RuntimeConfig,
)

DOC = (Path(__file__).resolve().parent.parent / "docs" / "runtime.md").read_text()


def _table(heading: str) -> dict[str, str]:
    """Rows `| \\`field\\` | default | ... |` of the first table after `heading`."""
    section = DOC.split(heading, 1)[1]
    rows: dict[str, str] = {}
    for line in section.splitlines()[2:]:
        if rows and not line.startswith("|"):
            break
        match = re.match(r"\|\s*`([\w.]+)`\s*\|\s*([^|]*)\|", line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    return rows


@pytest.mark.parametrize(
    ("heading", "model"),
    [
        ("### Top level (`RuntimeConfig`)", RuntimeConfig),
        ("### `providers.<name>` (`ProviderConfig`)", ProviderConfig),
        ("### `roles.<name>` (`RoleConfig`)", RoleConfig),
        ("### `defaults` (`RoleDefaultsConfig`)", RoleDefaultsConfig),
    ],
)
def test_every_field_is_documented(heading: str, model: type[BaseModel]) -> None:
    assert list(_table(heading)) == list(model.model_fields)


def test_resilience_defaults_in_the_docs_are_the_real_ones() -> None:
    rows = _table("Settings, with their defaults")
    expected = {name: info.default for name, info in ResilienceConfig.model_fields.items() if name != "circuit_breaker"}
    expected |= {f"circuit_breaker.{n}": i.default for n, i in CircuitBreakerConfig.model_fields.items()}
    assert set(rows) == set(expected)
    for name, default in expected.items():
        shown = rows[name].strip("`")
        assert shown == (str(default).lower() if isinstance(default, bool) else str(default)), name


def test_readme_opens_with_the_two_commands_that_ci_runs() -> None:
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text()
    block = re.search(r"```(?:bash|sh)\n(.*?)```", readme, re.S)
    assert block is not None and readme.index("```") < readme.index("\n## ")
    commands = [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]
    assert len(commands) == 2
    ci = (root / ".ci" / "run").read_text()
    for command in commands:
        assert command in ci, f".ci/run does not run the README command: {command}"


SPEC_DOC = (Path(__file__).resolve().parent.parent / "docs" / "spec.md").read_text()


@pytest.mark.parametrize(
    ("heading", "model_name"),
    [
        ("### Top level (`SpecConfig`)", "SpecConfig"),
        ("### `providers.<name>` (`SpecProviderConfig`)", "SpecProviderConfig"),
        ("### `roles.<name>` (`RoleSpec`)", "RoleSpec"),
        ("### `preferences` (`PreferencesSpec`)", "PreferencesSpec"),
        ("### `defaults` (`SpecDefaults`)", "SpecDefaults"),
        ("### `generator` (`GeneratorSpec`)", "GeneratorSpec"),
    ],
)
def test_every_spec_field_is_documented(heading: str, model_name: str) -> None:
    from llmhub.spec import models

    section = SPEC_DOC.split(heading, 1)[1]
    rows: list[str] = []
    for line in section.splitlines()[2:]:
        if rows and not line.startswith("|"):
            break
        match = re.match(r"\|\s*`([\w.]+)`\s*\|", line)
        if match:
            rows.append(match.group(1))
    assert rows == list(getattr(models, model_name).model_fields)


def test_every_rules_file_is_described_in_the_rules_readme() -> None:
    root = Path(__file__).resolve().parent.parent / "rules"
    readme = (root / "README.md").read_text()
    for path in root.glob("*.yaml"):
        assert f"`{path.name}`" in readme, path.name


def test_every_cli_command_is_in_the_cli_reference() -> None:
    from typer.core import TyperGroup
    from typer.main import get_command

    from llmhub.cli import app

    cli_doc = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text()
    # Groups are documented as `llmhub env check\|sync`: expand those into one name per command.
    documented = set(re.findall(r"`(llmhub [a-z]+)", cli_doc))
    for group, subs in re.findall(r"`llmhub ([a-z]+) ([a-z]+(?:\\\|[a-z]+)+)`", cli_doc):
        documented |= {f"llmhub {group} {sub}" for sub in subs.split("\\|")}
    names: list[str] = []
    group = get_command(app)
    assert isinstance(group, TyperGroup)
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        names += [f"llmhub {name} {sub}" for sub in subcommands] if subcommands else [f"llmhub {name}"]
    assert len(names) > 15
    assert [name for name in names if name not in documented] == []


def test_reference_tables_are_rendered_from_the_models_and_the_cli() -> None:
    import importlib.util

    script = Path(__file__).resolve().parent.parent / "scripts" / "docs_tables.py"
    spec = importlib.util.spec_from_file_location("docs_tables", script)
    assert spec is not None and spec.loader is not None
    docs_tables = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(docs_tables)
    stale = "<!-- fields: PolicySpec -->\n| hand-written |\n<!-- /fields -->\n"
    assert "| `free_tiers` | `false` | allow free" in docs_tables.render(stale)
    changes: str = docs_tables.diff()
    assert not changes, f"docs/ tables differ from the models: run `python scripts/docs_tables.py`\n{changes}"
