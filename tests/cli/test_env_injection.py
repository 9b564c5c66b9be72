"""A spec or llmhub.yaml must not be able to write lines into `.env` or send a key elsewhere.

The attack these tests replay: a spec (from a template repository, say) whose `env_key` holds a
newline followed by `OPENAI_BASE_URL=<attacker>`. `llmhub env sync --dotenv` used to copy the name
verbatim into `.env`, and the next call sent the user's real OpenAI key to the attacker's server.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from llmhub.cli import app
from llmhub.env_manager import default_env_key, generate_env_example, sync_env_example
from llmhub_runtime import LLMHub
from llmhub_runtime.errors import ConfigError
from llmhub_runtime.models import check_env_var_name, check_provider_name
from llmhub_runtime.safetext import escape_control
from tests.paths import MINI

USER_DOTENV = "# mine\nOPENAI_API_KEY=sk-user-real-key-123456\n"


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(USER_DOTENV)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def spec_with_provider(name: str, body: str) -> str:
    return f"providers:\n  {name}:\n{body}roles:\n  llm.inference:\n    description: chat\n"


def test_a_newline_in_env_key_is_refused_and_dotenv_is_untouched(project: Path) -> None:
    (project / "llmhub.spec.yaml").write_text(
        spec_with_provider("openai", '    env_key: "OPENAI_API_KEY\\nOPENAI_BASE_URL=http://127.0.0.1:9/v1"\n')
    )
    for command in (("env", "sync", "--dotenv"), ("env", "check"), ("spec", "validate")):
        result = run(*command)
        assert result.exit_code != 0, (command, result.output)
        assert "llmhub.spec.yaml:3" in result.stderr
        assert 'providers["openai"].env_key' in result.stderr
        assert "not a plain environment variable name" in result.stderr
        assert "\nOPENAI_BASE_URL" not in result.stderr  # the newline is shown escaped, not obeyed
    assert (project / ".env").read_text() == USER_DOTENV
    assert not (project / ".env.example").exists()


def test_a_newline_in_a_provider_name_is_refused(project: Path) -> None:
    (project / "llmhub.spec.yaml").write_text(
        spec_with_provider('"evil\\nHTTPS_PROXY=http://127.0.0.1:9"', "    type: openai\n    env_key: EVIL_KEY\n")
    )
    result = run("env", "sync", "--dotenv")
    assert result.exit_code != 0
    assert "is not a provider name" in result.stderr
    assert "evil\\nHTTPS_PROXY" in result.stderr and "\nHTTPS_PROXY" not in result.stderr
    assert (project / ".env").read_text() == USER_DOTENV


@pytest.mark.parametrize(
    "name",
    ["OPENAI_BASE_URL", "HTTPS_PROXY", "PATH", "LD_PRELOAD", "OPENAI_API_BASE", "AZURE_OPENAI_ENDPOINT", "openai_url"],
)
def test_variables_that_steer_requests_are_not_keys(name: str) -> None:
    with pytest.raises(ValueError, match="configures an endpoint or the process"):
        check_env_var_name(name)


@pytest.mark.parametrize("name", ["OPENAI_API_KEY", "my_key", "_K", "GROQ_API_KEY_2"])
def test_plain_key_variables_are_accepted(name: str) -> None:
    assert check_env_var_name(name) == name


@pytest.mark.parametrize(
    "name", ["A B", "A=B", "A\n", "1KEY", "", "K\x1b[2J", "KEY;rm -rf", "$(id)", "K" * 129, "KEY\u202e"]
)
def test_everything_else_is_not_a_variable_name(name: str) -> None:
    with pytest.raises(ValueError, match="not a plain environment variable name"):
        check_env_var_name(name)


@pytest.mark.parametrize("name", ["openai", "amazon-bedrock", "gpu_a", "local.vllm", "a1"])
def test_provider_names(name: str) -> None:
    assert check_provider_name(name) == name
    with pytest.raises(ValueError):
        check_provider_name(name + "\nX=1")


def test_llmhub_yaml_with_an_injected_env_key_does_not_load(project: Path) -> None:
    (project / "llmhub.yaml").write_text(
        'providers:\n  openai: {env_key: "K\\nOPENAI_BASE_URL=http://127.0.0.1:9/v1"}\n'
        "roles:\n  llm.inference: {provider: openai, model: gpt-4.1}\n"
    )
    with pytest.raises(ConfigError, match=r"llmhub.yaml:2: .*not a plain environment variable name"):
        LLMHub(config_path=project / "llmhub.yaml")
    result = run("env", "sync", "--dotenv")
    assert result.exit_code != 0
    assert (project / ".env").read_text() == USER_DOTENV


def test_the_env_file_writers_refuse_unvalidated_names_themselves(project: Path) -> None:
    # Library callers that bypass the schema get the same rule: nothing but plain names is written.
    for needed in ({"A\nB=1": ["openai"]}, {"OK_KEY": ["openai\nB=1"]}):
        with pytest.raises(ConfigError, match="refusing to write"):
            sync_env_example(project / ".env", needed)
        with pytest.raises(ConfigError, match="refusing to write"):
            generate_env_example(needed)
    assert (project / ".env").read_text() == USER_DOTENV
    assert "\nsource" not in generate_env_example({"K": ["openai"]}, source="x\nsource")


def test_default_key_variables_are_plain_names() -> None:
    assert default_env_key("amazon-bedrock") == "AMAZON_BEDROCK_API_KEY"
    assert default_env_key("1.weird-name") == "_WEIRD_NAME_API_KEY"


def test_a_known_key_sent_to_a_foreign_host_is_warned_about(project: Path) -> None:
    (project / "llmhub.spec.yaml").write_text(
        spec_with_provider("gw", "    type: openai\n    env_key: OPENAI_API_KEY\n    api_base: https://gw.example/v1\n")
    )
    result = run("spec", "validate")
    assert result.exit_code == 0
    assert 'providers["gw"].api_base: calls to gw send OPENAI_API_KEY' in result.stderr
    assert "gw.example" in result.stderr
    (project / "llmhub.spec.yaml").write_text(
        spec_with_provider("gw", "    type: openai\n    env_key: GW_KEY\n    api_base: https://gw.example/v1\n")
    )
    assert "send GW_KEY" not in run("spec", "validate").stderr


def test_setup_refuses_a_provider_it_does_not_know(project: Path) -> None:
    result = run("setup", "-y", "-p", "opnai", "-r", "inference")
    assert result.exit_code == 2
    assert "did you mean 'openai'" in result.output
    assert not (project / "llmhub.spec.yaml").exists()


def test_control_characters_are_escaped() -> None:
    assert escape_control("a\x1b]0;title\x07b\nc\u202e") == "a\\x1b]0;title\\x07b\\nc\\u202e"
    assert escape_control("a\nb\x1b", keep_newlines=True) == "a\nb\\x1b"


def test_keys_referenced_in_urls_or_sent_as_another_providers_headers_are_warned_about(project: Path) -> None:
    body = (
        "    type: openai\n    env_key: GW_KEY\n    api_base: https://gw.example/v1/${GW_TOKEN}\n"
        "    client_args: {default_headers: {X-Steal: '${ANTHROPIC_API_KEY}'}}\n"
    )
    (project / "llmhub.spec.yaml").write_text(spec_with_provider("gw", body))
    result = run("spec", "validate")
    assert 'providers["gw"].api_base: api_base puts the value of GW_TOKEN into the URL' in result.stderr
    assert 'providers["gw"].client_args: client_args send ANTHROPIC_API_KEY' in result.stderr


def test_a_symlinked_env_file_is_written_through_not_replaced(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    secrets = tmp_path_factory.mktemp("elsewhere") / "shared.env"
    secrets.write_text(USER_DOTENV)
    (project / ".env").unlink()
    (project / ".env").symlink_to(secrets)
    (project / "llmhub.spec.yaml").write_text(spec_with_provider("anthropic", "    env_key: ANTHROPIC_API_KEY\n"))
    assert run("env", "sync", "--dotenv").exit_code == 0
    assert (project / ".env").is_symlink()  # still a link: the secret was not copied into the project
    assert secrets.read_text().startswith(USER_DOTENV) and "ANTHROPIC_API_KEY=" in secrets.read_text()


def test_a_symlinked_llmhub_yaml_stays_a_link(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLMHUB_CATALOG_SOURCES", str(MINI))
    (project / "llmhub.spec.yaml").write_text(spec_with_provider("openai", "    env_key: OPENAI_API_KEY\n"))
    real = tmp_path_factory.mktemp("deploy") / "llmhub.yaml"
    real.write_text("roles: {}\n")
    (project / "llmhub.yaml").symlink_to(real)
    result = run("generate", "--no-llm", "--force")
    assert result.exit_code == 0, result.output
    assert (project / "llmhub.yaml").is_symlink()
    assert "llm.inference" in real.read_text()


def test_environment_names_cannot_leave_the_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "llmhub.spec.yaml").write_text(spec_with_provider("openai", "    env_key: OPENAI_API_KEY\n"))
    result = run("generate", "--no-llm", "--env", "../../escape")
    assert result.exit_code == 2 and "is not an environment name" in result.output
    assert not (project.parent.parent / "llmhub.escape.yaml").exists()
    monkeypatch.setenv("LLMHUB_ENV", "../x")
    with pytest.raises(ConfigError, match=r"LLMHUB_ENV: '\.\./x' is not an environment name"):
        LLMHub()
