import os
import re
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from llmhub_runtime import (
    ConfigError,
    LLMMode,
    RuntimeConfig,
    UnknownProviderError,
    dump_config,
    find_config_path,
    load_config,
    parse_config,
    save_config,
)
from llmhub_runtime.config_loader import config_from_dict

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED_EXAMPLES = sorted((FIXTURES / "seed_runtime").glob("*.yaml"))
# The seeds live beside the catalog snapshots (LLMHUB_TEST_SNAPSHOTS, set by .ci/run) in ../shared.
SEEDS_DIR = (
    Path(os.environ["LLMHUB_TEST_SNAPSHOTS"]).parent / "seeds"
    if os.environ.get("LLMHUB_TEST_SNAPSHOTS")
    else Path(__file__).resolve().parents[3] / "shared" / "seeds"
)

VALID = """\
providers:
  openai: {env_key: OPENAI_API_KEY}
roles:
  llm.inference:
    provider: openai
    model: gpt-4o-mini
"""


@pytest.mark.parametrize("path", SEED_EXAMPLES, ids=lambda p: p.name)
def test_every_seed_example_loads_unchanged(path: Path) -> None:
    config = load_config(path)
    raw = yaml.safe_load(path.read_text())
    assert set(config.roles) == set(raw["roles"])
    for name, role in raw["roles"].items():
        assert config.roles[name].provider == role["provider"]
        assert config.roles[name].model == role["model"]
        # The seeds' `embedding_dim` is any-llm's (and OpenAI's) `dimensions`: the one name mapped.
        expected = {("dimensions" if k == "embedding_dim" else k): v for k, v in role.get("params", {}).items()}
        assert config.roles[name].params == expected


def test_seed_fixtures_match_the_seeds_verbatim() -> None:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"the seed documents are not checked out beside the project at {SEEDS_DIR}")
    seeds_text = "\n".join(p.read_text() for p in SEEDS_DIR.glob("*.txt"))
    dedented = re.sub(r"(?m)^ {4}", "", seeds_text)  # 004 indents its examples by four spaces
    for path in SEED_EXAMPLES:
        example = path.read_text().strip()
        assert example in seeds_text or example in dedented, f"{path.name} drifted from the seed it was copied from"


def test_seed_embedding_example_has_embedding_mode() -> None:
    config = load_config(FIXTURES / "seed_runtime" / "002_2.yaml")
    assert config.roles["llm.embedding"].mode is LLMMode.embedding
    assert config.defaults is not None and config.defaults.model == "gpt-4o-mini"


def _error(text: str, source: str = "llmhub.yaml") -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_config(text, source=source)
    return info.value


def test_missing_file_names_the_file_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.yaml")
    assert str(tmp_path / "nope.yaml") in str(info.value)
    assert "llmhub generate" in str(info.value)


def test_directory_instead_of_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(tmp_path)


def test_yaml_syntax_error_reports_the_line() -> None:
    error = _error("providers:\n  openai: {env_key: X\nroles: {}\n")
    assert error.line == 3
    assert str(error).startswith("llmhub.yaml:3: YAML syntax error")


def test_empty_file_is_explained() -> None:
    assert "file is empty" in str(_error(""))


def test_top_level_list_is_explained() -> None:
    assert "expected a mapping" in str(_error("- a\n- b\n"))


def test_wrong_type_names_field_line_and_got() -> None:
    error = _error(VALID.replace("model: gpt-4o-mini", "model: gpt-4o-mini\n    params: [1, 2]"))
    assert error.field == 'roles["llm.inference"].params'
    assert error.line == 7
    assert "got a list" in str(error)


def test_unknown_key_suggests_the_closest() -> None:
    error = _error(VALID.replace("model: gpt-4o-mini", "model: gpt-4o-mini\n    parms: {}"))
    assert error.field == 'roles["llm.inference"].parms'
    assert "did you mean 'params'" in str(error)
    assert "allowed keys: provider, model, mode, params" in str(error)


def test_api_key_in_file_is_refused_with_the_env_key_fix() -> None:
    error = _error(VALID.replace("{env_key: OPENAI_API_KEY}", "{api_key: sk-123}"))
    assert error.field == 'providers["openai"].api_key'
    assert "env_key" in str(error)
    assert "sk-123" not in str(error)


def test_unknown_mode_lists_modes_and_suggests() -> None:
    error = _error(VALID.replace("model: gpt-4o-mini", "model: gpt-4o-mini\n    mode: embeding"))
    assert error.field == 'roles["llm.inference"].mode'
    assert "unknown mode 'embeding' (did you mean 'embedding'?)" in str(error)
    assert "chat, embedding, image, transcription, speech, audio" in str(error)


def test_missing_required_field() -> None:
    error = _error("providers: {openai: {}}\nroles:\n  r:\n    provider: openai\n")
    assert error.field == 'roles["r"].model'
    assert "required field 'model' is missing" in str(error)
    assert error.line == 3


def test_role_naming_an_undeclared_provider() -> None:
    error = _error(VALID.replace("provider: openai", "provider: openia"))
    assert isinstance(error, UnknownProviderError)
    assert error.field == 'roles["llm.inference"].provider'
    assert error.line == 5
    assert "did you mean 'openai'" in str(error)
    assert "openia: {env_key: OPENIA_API_KEY}" in str(error)


def test_fallback_naming_an_undeclared_provider() -> None:
    text = VALID + "    fallbacks:\n      - {provider: mistral, model: m}\n"
    error = _error(text)
    assert error.field == 'roles["llm.inference"].fallbacks[0].provider'
    assert error.line == 8


def test_defaults_need_provider_and_model_together() -> None:
    error = _error(VALID + "defaults: {provider: openai}\n")
    assert error.field == "defaults.model"


def test_duplicate_role_is_an_error_not_silently_merged() -> None:
    text = VALID + "  llm.inference:\n    provider: openai\n    model: other\n"
    error = _error(text)
    assert "duplicate key 'llm.inference' (first defined on line 4)" in str(error)
    assert error.line == 7


def test_unsupported_version() -> None:
    assert "reads version 1" in str(_error("version: 2\n" + VALID))


def test_several_problems_are_all_mentioned() -> None:
    error = _error(
        "providers: {openai: {}}\nroles:\n  a: {provider: openai}\n  b: {provider: openai, model: m, mode: x}\n"
    )
    assert "(also:" in str(error)
    assert len(error.problems) == 2


def test_error_is_one_line() -> None:
    error = _error(VALID.replace("model: gpt-4o-mini", "model: gpt-4o-mini\n    parms: {}"))
    assert "\n" not in str(error)


def test_dict_config_errors_name_the_dict_source() -> None:
    with pytest.raises(ConfigError, match=r"^<dict>: roles\[\"x\"\]\.model"):
        config_from_dict({"providers": {"p": {}}, "roles": {"x": {"provider": "p"}}})


def test_dump_is_deterministic_and_round_trips() -> None:
    config = parse_config(
        VALID
        + "    params: {temperature: 0.2}\n    fallbacks: [{provider: openai, model: gpt-4.1}]\n"
        + "resilience: {max_retries: 1}\n"
    )
    text = dump_config(config, header="generated by test\n\nsecond line")
    assert text == dump_config(config, header="generated by test\n\nsecond line")
    assert text.startswith("# generated by test\n#\n# second line\n")
    again = parse_config(text)
    assert again == config
    assert "client_args" not in text  # empty collections are left out
    assert "max_retries: 1" in text


def test_dump_keeps_a_provider_declared_with_nothing_to_set() -> None:
    # A spec may enable a provider without an env_key (its default variable is used): the empty
    # declaration must survive the dump, or the roles that name it no longer load.
    config = parse_config(
        "providers:\n  gemini: {}\n  openai: {env_key: OPENAI_API_KEY}\n"
        "roles:\n  chat: {provider: gemini, model: gemini-2.5-flash, mode: chat}\n"
    )
    text = dump_config(config)
    assert parse_config(text) == config
    assert list(yaml.safe_load(text)) == ["version", "providers", "roles"]
    assert "client_args" not in text


def test_dump_leaves_out_default_resilience() -> None:
    assert "resilience" not in dump_config(parse_config(VALID))


def test_save_is_atomic_and_keeps_the_old_file_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "llmhub.yaml"
    target.write_text("old content\n")
    config = parse_config(VALID)

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_config(target, config)
    assert target.read_text() == "old content\n"
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind
    monkeypatch.undo()

    save_config(target, config)
    assert load_config(target) == config


def test_find_config_path_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "llmhub.yaml").write_text(VALID)
    (tmp_path / "llmhub.prod.yaml").write_text(VALID)
    explicit = tmp_path / "custom.yaml"
    explicit.write_text(VALID)

    assert find_config_path(tmp_path) == tmp_path / "llmhub.yaml"
    monkeypatch.setenv("LLMHUB_ENV", "prod")
    assert find_config_path(tmp_path) == tmp_path / "llmhub.prod.yaml"
    monkeypatch.setenv("LLMHUB_CONFIG", str(explicit))
    assert find_config_path(tmp_path) == explicit


def test_find_config_path_missing_env_file_is_an_error_not_a_silent_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "llmhub.yaml").write_text(VALID)
    monkeypatch.setenv("LLMHUB_ENV", "staging")
    with pytest.raises(ConfigError, match=r"llmhub generate --env staging"):
        find_config_path(tmp_path)


def test_find_config_path_dangling_llmhub_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMHUB_CONFIG", str(tmp_path / "gone.yaml"))
    with pytest.raises(ConfigError, match="LLMHUB_CONFIG points to"):
        find_config_path(tmp_path)


def test_find_config_path_nothing_found(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no config found"):
        find_config_path(tmp_path)


@pytest.mark.parametrize(
    ("mode", "params", "message"),
    [
        ("chat", "{temperature: 0.2, voice: alloy}", "unknown parameter 'voice' for a chat role"),
        ("embedding", "{temperature: 0.2}", "unknown parameter 'temperature' for a embedding role"),
        ("embedding", "{dimension: 256}", "(did you mean 'dimensions'?)"),
        ("speech", "{voice: alloy, size: 1024x1024}", "unknown parameter 'size' for a speech role"),
        ("chat", "{stream: true}", "'stream' is chosen per call"),
        ("embedding", "{embedding_dim: 8, dimensions: 8}", "'embedding_dim' and 'dimensions' are the same"),
    ],
)
def test_params_are_checked_for_the_roles_mode(mode: str, params: str, message: str) -> None:
    text = f"providers: {{openai: {{}}}}\nroles:\n  r: {{provider: openai, model: m, mode: {mode}, params: {params}}}\n"
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert message in str(info.value)
    assert 'roles["r"].params' in str(info.value)  # names the field


def test_provider_specific_params_go_under_extra_body() -> None:
    text = "providers: {openai: {}}\nroles:\n  r: {provider: openai, model: m, params: {extra_body: {top_a: 1}}}\n"
    assert parse_config(text).roles["r"].params == {"extra_body": {"top_a": 1}}


def test_models_are_frozen_and_a_change_is_a_validated_copy() -> None:
    # A hub's config never changes under a call in flight: a change is a new, validated config.
    config = parse_config(VALID)
    with pytest.raises(ValidationError, match="frozen"):
        config.roles["llm.inference"].model = "gpt-4o"
    data = config.model_dump()
    data["roles"]["llm.inference"]["model"] = "gpt-4o"
    changed = RuntimeConfig.model_validate(data)
    assert changed.roles["llm.inference"].model == "gpt-4o" and config.roles["llm.inference"].model != "gpt-4o"
    data["roles"]["llm.inference"]["mode"] = "nonsense"
    with pytest.raises(ValidationError):
        RuntimeConfig.model_validate(data)


def test_json_schema_documents_fields() -> None:
    from llmhub.schemas import schema_for

    # The descriptions come from the fields' docstrings, read when the schema is made (not at import).
    schema = schema_for("runtime")
    role = schema["$defs"]["RoleConfig"]["properties"]
    assert "Targets tried in order" in role["fallbacks"]["description"]
    assert "prompt length" in schema["$defs"]["PriceTierConfig"]["properties"]["above_tokens"]["description"]
    assert RuntimeConfig.model_json_schema()["$defs"]["RoleConfig"]["properties"]["fallbacks"]  # same shape


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ("{api_key: sk-live-123}", "never put secrets in llmhub.yaml"),
        ("{model: gpt-4o}", "the role's `model:` decides the model"),
        ("{api_base: 'http://x'}", "set in the provider block"),
    ],
)
def test_params_that_belong_elsewhere_are_refused(params: str, message: str) -> None:
    error = _error(VALID.replace("model: gpt-4o-mini", f"model: gpt-4o-mini\n    params: {params}"))
    assert message in str(error)
    assert error.field is not None
    assert error.field.startswith('roles["llm.inference"].params["')
    assert error.line == 7
    assert "sk-live-123" not in str(error)


def test_the_runtime_reads_dotenv_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from llmhub_runtime import LLMHub

    monkeypatch.chdir(tmp_path)
    (tmp_path / "llmhub.yaml").write_text(
        "providers:\n  p: {env_key: DOTENV_ONLY_KEY}\nroles:\n  r: {provider: p, model: m}\n"
    )
    (tmp_path / ".env").write_text("DOTENV_ONLY_KEY=from-the-file\n")
    assert LLMHub().missing_env_vars() == ["DOTENV_ONLY_KEY"]  # not read by default
    assert LLMHub(dotenv=True, strict_env=True).missing_env_vars() == []
    monkeypatch.setenv("DOTENV_ONLY_KEY", "exported")
    LLMHub(dotenv=tmp_path / ".env")
    assert os.environ["DOTENV_ONLY_KEY"] == "exported"  # variables already set win
    with pytest.raises(ConfigError, match=re.escape("LLMHub(dotenv=...)")):
        LLMHub(dotenv=tmp_path / "missing.env")
