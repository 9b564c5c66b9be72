"""What the CLI does is callable from Python: the project's files and doctor's checks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from llmhub import Check, DoctorReport, Settings, locate, run_checks
from llmhub_runtime.testing import FakeOpenAIServer

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "quickstart"


def local_config(tmp_path: Path, server: FakeOpenAIServer, roles: str, extra: str = "") -> Path:
    """An llmhub.yaml whose one provider is the local fake server (key in LOCAL_KEY), with these roles."""
    config = tmp_path / "llmhub.yaml"
    provider = f"  local: {{type: openai, api_base: '{server.base_url}', env_key: LOCAL_KEY}}\n"
    config.write_text(f"providers:\n{provider}roles:\n{roles}{extra}")
    return config


def test_locate_finds_the_project_from_a_subdirectory(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "app")
    deeper = tmp_path / "app" / "src" / "pkg"
    deeper.mkdir(parents=True)
    project = locate(start=deeper, settings=Settings())
    assert project.spec == tmp_path / "app" / "llmhub.spec.yaml"
    assert project.runtime == tmp_path / "app" / "llmhub.yaml"
    assert project.root == tmp_path / "app"
    assert project.overrides == (tmp_path / "app" / "llmhub.catalog-overrides.yaml").resolve()
    assert locate(start=deeper, env="prod", settings=Settings()).runtime == tmp_path / "app" / "llmhub.prod.yaml"
    # An overrides file named in the settings wins over the project's own.
    assert locate(start=deeper, settings=Settings(overrides_path=tmp_path / "x.yaml")).overrides is None


def test_outside_a_project_the_runtime_file_is_the_one_the_app_would_load(tmp_path: Path) -> None:
    project = locate(start=tmp_path, settings=Settings(config_path=tmp_path / "deploy" / "llmhub.yaml"))
    assert project.spec is None and project.runtime == tmp_path / "deploy" / "llmhub.yaml"


def test_doctor_checks_are_typed_results(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "app")
    settings = Settings(offline=True, cache_dir=tmp_path / "cache")
    report = run_checks(locate(start=tmp_path / "app", settings=settings), network=False, settings=settings)
    assert isinstance(report, DoctorReport) and all(isinstance(c, Check) for c in report.checks)
    by_name = {c.name: c for c in report.checks}
    assert by_name["spec"].status == "ok" and "is valid" in by_name["spec"].message
    assert by_name["runtime"].status == "ok"
    assert by_name["ping"].status == "skip"  # offline: no network, whatever `network` says
    assert report.ok == (not report.failed)


def test_doctor_in_an_empty_directory_fails_with_the_fix(tmp_path: Path) -> None:
    report = run_checks(locate(start=tmp_path, settings=Settings()), network=False, settings=Settings())
    spec = next(c for c in report.checks if c.name == "spec")
    assert spec.status == "fail" and spec.fix is not None and "llmhub init" in spec.fix
    assert not report.ok


def test_roles_are_called_from_python_with_typed_outcomes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from llmhub import RoleCall, call_roles
    from llmhub_runtime.errors import UnknownRoleError

    with FakeOpenAIServer() as server:
        config = local_config(
            tmp_path,
            server,
            "  llm.chat: {provider: local, model: fake-chat}\n"
            "  img: {provider: local, model: fake-image, mode: image}\n",
        )
        monkeypatch.setenv("LOCAL_KEY", "sk-test-local")
        seen: list[tuple[str, str]] = []
        outcomes = call_roles(config, prompt="hi", progress=lambda role, message: seen.append((role, message)))
        with pytest.raises(UnknownRoleError) as info:
            call_roles(config, ["llm.chta"])
    assert info.value.suggestion == "llm.chat"
    assert len(server.requests) == 1  # the misspelt role was refused before any call
    assert [type(o) for o in outcomes] == [RoleCall, RoleCall]
    chat, image = outcomes
    assert chat.status == "ok" and chat.reply and chat.provider == "local" and chat.latency_ms is not None
    assert image.status == "skipped" and "image roles are not called" in (image.error or "")
    assert seen == [("llm.chat", "calling"), ("llm.chat", "ok"), ("img", "calling"), ("img", "skipped")]


def test_a_generation_is_planned_then_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from llmhub import GenerationPlan, InvalidSpecError, apply_plan, plan_generation

    shutil.copytree(EXAMPLE, tmp_path / "app")
    spec, target = tmp_path / "app" / "llmhub.spec.yaml", tmp_path / "app" / "llmhub.yaml"
    settings = Settings(offline=True, cache_dir=tmp_path / "cache")
    shipped = target.read_text()
    plan = plan_generation(spec, no_llm=True, settings=settings)
    assert isinstance(plan, GenerationPlan) and plan.target == target
    assert plan.up_to_date == (plan.text == shipped) and target.read_text() == shipped  # planning writes nothing
    target.write_text(shipped.replace("model: fake-embed", "model: fake-embed-hand-edited", 1))
    plan = plan_generation(spec, no_llm=True, settings=settings)
    assert plan.changes and plan.needs_review and not plan.up_to_date
    backup = apply_plan(plan)
    assert backup is not None and "fake-embed-hand-edited" in backup.read_text()
    assert target.read_text() == plan.text
    assert plan_generation(spec, no_llm=True, settings=settings).up_to_date
    # An invalid spec: every problem at once, nothing generated.
    spec.write_text(spec.read_text().replace("roles:", "roles:\n  bad: {kind: nonsense}", 1))
    with pytest.raises(InvalidSpecError) as info:
        plan_generation(spec, no_llm=True, settings=settings)
    assert info.value.issues and "nothing written" in str(info.value)


def test_catalog_questions_from_python(tmp_path: Path) -> None:
    from llmhub import CatalogError, build_catalog
    from llmhub.catalog.browse import arena_entries, catalog_summary, find_model, model_facts, select_models

    catalog = build_catalog(settings=Settings(offline=True, cache_dir=tmp_path), discover=False)
    embedders = select_models(catalog, kind="embedding")
    assert embedders and all(str(m.kind) == "embedding" and m.identity.callable for m in embedders)
    with pytest.raises(CatalogError, match="no such kind"):
        select_models(catalog, kind="embeding")
    with pytest.raises(CatalogError, match="did you mean 'openai'"):
        select_models(catalog, provider="opnai")
    model = find_model(catalog, "openai:gpt-4.1")
    facts = model_facts(catalog, model)
    assert facts["canonical_id"] == "openai:gpt-4.1" and facts["quality_figure"]["basis"] == "measured"
    with pytest.raises(CatalogError, match=re.escape("did you mean 'openai:gpt-4.1'")):
        find_model(catalog, "openai:gpt-4.1x")
    with pytest.raises(CatalogError, match="must be provider:model"):
        find_model(catalog, "gpt-4.1")
    unmatched = arena_entries(catalog, "text", unmatched=True)
    assert unmatched and all(not e.entry.matches for e in unmatched)
    doubtful = arena_entries(catalog, "text", doubtful=True)
    assert all(e.matches and all(m.doubtful for m in e.matches) for e in doubtful)
    summary = catalog_summary(catalog)
    assert summary["models"] == len(catalog.models) and summary["arena"]["text"]["matched"] > 0


def test_a_project_is_scaffolded_from_python(tmp_path: Path) -> None:
    from llmhub import SpecError
    from llmhub.scaffold import build_spec, parse_preferences, provider_keys, write_project

    providers = provider_keys(["openai", "ollama"])
    assert providers == {"openai": "OPENAI_API_KEY", "ollama": None}
    with pytest.raises(SpecError, match="did you mean 'openai'"):
        provider_keys(["opneai"])
    prefs = parse_preferences(["inference:quality=high"])
    assert prefs == {"llm.inference": {"quality": "high"}}
    with pytest.raises(SpecError, match="ROLE:KEY=LEVEL"):
        parse_preferences(["inference-quality-high"])
    spec = build_spec("demo", providers, ["llm.inference"], prefs)
    written = write_project(tmp_path, spec)
    assert written.spec.is_file() and written.env_example_created and written.keys_added == ["OPENAI_API_KEY"]
    with pytest.raises(FileExistsError):
        write_project(tmp_path, spec)  # never replaced without force
    assert write_project(tmp_path, spec, force=True).spec == written.spec


def test_a_role_whose_every_target_failed_is_reported_on_its_primary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmhub import call_roles
    from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse

    with FakeOpenAIServer() as server:
        config = local_config(
            tmp_path,
            server,
            "  llm.chat: {provider: local, model: main, fallbacks: [{provider: local, model: backup}]}\n",
            "resilience: {max_retries: 0}\n",
        )
        monkeypatch.setenv("LOCAL_KEY", "sk-test-local")
        server.enqueue(ScriptedResponse(status=503), ScriptedResponse(status=503))
        (outcome,) = call_roles(config)
    assert outcome.status == "failed"
    assert (outcome.model, outcome.fallback_used) == ("main", False)  # not the fallback that also failed
