import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

import llmhub
import llmhub_runtime
from llmhub_runtime import errors

HEAVY = ["any_llm", "openai", "anthropic", "typer", "rich", "instructor", "rapidfuzz", "diskcache", "httpx", "llmhub"]


def test_runtime_all_is_sorted_and_complete() -> None:
    assert llmhub_runtime.__all__ == sorted(llmhub_runtime.__all__)
    for name in llmhub_runtime.__all__:
        assert hasattr(llmhub_runtime, name), name
    public_errors = {n for n, o in vars(errors).items() if inspect.isclass(o) and issubclass(o, Exception)}
    assert public_errors - {"Exception"} <= set(errors.__all__)


def test_every_error_is_rooted_in_llmhub_error() -> None:
    for name in errors.__all__:
        obj = getattr(errors, name)
        if inspect.isclass(obj) and issubclass(obj, Exception):
            assert issubclass(obj, errors.LLMHubError), name


def test_seed_spellings_import() -> None:
    from llmhub_runtime import LLMHub as A
    from llmhub_runtime import models
    from llmhub_runtime.errors import EnvVarMissingError
    from llmhub_runtime.hub import LLMHub as B

    assert A is B
    assert issubclass(EnvVarMissingError, errors.ConfigError)
    for name in ("LLMMode", "ProviderConfig", "RoleConfig", "RoleDefaultsConfig", "RuntimeConfig"):
        assert getattr(models, name) is getattr(llmhub_runtime, name)


def test_versions_agree() -> None:
    assert llmhub.__version__ == llmhub_runtime.__version__


def test_import_llmhub_runtime_pulls_in_nothing_heavy() -> None:
    code = (
        "import json, sys; import llmhub_runtime; "
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


def test_constructing_a_hub_pulls_in_nothing_heavy(tmp_path: Path) -> None:
    config = tmp_path / "llmhub.yaml"
    config.write_text("providers: {openai: {env_key: K}}\nroles: {r: {provider: openai, model: m}}\n")
    code = (
        "import json, sys; from llmhub_runtime import LLMHub; "
        f"hub = LLMHub(config_path={str(config)!r}); hub.resolve('r'); "
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


@pytest.mark.parametrize("module", ["llmhub_runtime.testing"])
def test_optional_modules_import_without_any_llm(module: str) -> None:
    code = f"import sys, {module}; print('any_llm' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_llmhub_all_is_sorted_and_every_name_resolves() -> None:
    names = [n for n in llmhub.__all__ if n != "__version__"]
    assert names == sorted(names)
    for name in names:
        assert getattr(llmhub, name) is not None, name
    for name in (
        "load_spec",
        "validate_spec",
        "generate_runtime_from_spec",
        "GeneratorOptions",
        "load_runtime",
        "save_runtime",
    ):
        assert name in llmhub.__all__  # the programmatic API the generator issue promised


def test_import_llmhub_is_lazy() -> None:
    code = (
        "import json, sys; import llmhub; print(json.dumps(sorted(m for m in sys.modules if m.startswith('llmhub.'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == ["llmhub._lazy"]  # the tiny lazy loader itself, nothing else
