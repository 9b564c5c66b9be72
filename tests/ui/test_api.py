"""The UI server's JSON API without a browser: the session key, origins, hosts, files and the data itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from llmhub.ui import Workspace, create_app
from llmhub.ui.plan_views import pareto_frontier
from llmhub.ui.server import COOKIE, STATIC, TOKEN_HEADER
from tests.paths import MINI
from tests.ui.conftest import MARKUP_NAME, make_project, settings_for

KEY = "session-key-for-tests"
BASE = "http://127.0.0.1:8123"
WRITE = {TOKEN_HEADER: KEY, "origin": BASE, "content-type": "application/json"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture
def workspace(project: Path, tmp_path: Path) -> Workspace:
    return Workspace(project, settings=settings_for(MINI, tmp_path / "cache"))


@pytest.fixture
def client(workspace: Workspace) -> Iterator[TestClient]:
    with TestClient(create_app(workspace, KEY), base_url=BASE, follow_redirects=False) as anonymous:
        yield anonymous


@pytest.fixture
def signed_in(client: TestClient) -> TestClient:
    assert client.get(f"/?token={KEY}").status_code == 303
    return client


def post(client: TestClient, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(path, json=body, headers={**WRITE, **headers})


def test_the_address_key_becomes_a_strict_cookie_and_leaves_the_address(client: TestClient) -> None:
    answer = client.get(f"/?token={KEY}&page=plan")
    assert answer.status_code == 303 and answer.headers["location"] == "/#plan"
    cookie = answer.headers["set-cookie"].lower()
    assert cookie.startswith(COOKIE) and "httponly" in cookie and "samesite=strict" in cookie
    page = client.get("/")
    assert page.status_code == 200 and f'content="{KEY}"' in page.text


@pytest.mark.parametrize("path", ["/", "/api/catalog", "/api/plan", "/api/model?id=openai:gpt-4.1"])
def test_without_the_key_nothing_is_answered(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 403
    assert "llmhub ui" in answer.text and KEY not in answer.text
    assert client.get(f"/?token={KEY[:-1]}x").status_code == 403


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({TOKEN_HEADER: ""}, "key is missing or wrong"),
        ({TOKEN_HEADER: "not-the-key"}, "key is missing or wrong"),
        ({"origin": "http://evil.example"}, "cross-origin write refused"),
        ({"origin": "http://127.0.0.1:9999"}, "cross-origin write refused"),
        ({"sec-fetch-site": "cross-site"}, "cross-site write refused"),
        ({"content-type": "text/plain"}, "JSON body"),
    ],
)
def test_writes_need_the_key_header_the_same_origin_and_json(
    signed_in: TestClient, project: Path, headers: dict[str, str], why: str
) -> None:
    before = project.read_text()
    answer = post(signed_in, "/api/save", {"role": "llm.cheap", "fields": {"quality": "high"}, "digest": ""}, **headers)
    assert answer.status_code == 403 and why in answer.json()["error"]
    assert project.read_text() == before


def test_a_write_without_the_cookie_is_refused_even_with_the_key(client: TestClient) -> None:
    answer = post(client, "/api/review", {})
    assert answer.status_code == 403


def test_a_foreign_host_name_is_refused(signed_in: TestClient) -> None:
    # A page on another site whose name resolves to 127.0.0.1 (DNS rebinding) is not answered.
    assert signed_in.get("/api/catalog", headers={"host": "evil.example:8123"}).status_code == 400


def test_every_answer_forbids_inline_scripts_and_sniffing(signed_in: TestClient) -> None:
    for path in ("/", "/api/project", "/static/app.js"):
        headers = signed_in.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "'unsafe-inline'" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/static/../server.py",
        "/static/%2e%2e/server.py",
        "/static/..%2fserver.py",
        "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
        "/static//etc/passwd",
        "/llmhub.spec.yaml",
        "/.env",
    ],
)
def test_nothing_outside_the_static_folder_is_served(signed_in: TestClient, path: str) -> None:
    answer = signed_in.get(path)
    assert answer.status_code == 404
    assert "def create_app" not in answer.text and "roles:" not in answer.text


def test_the_static_files_are_served(signed_in: TestClient) -> None:
    for name in ("app.js", "chart.js", "app.css"):
        assert signed_in.get(f"/static/{name}").status_code == 200


def test_the_pages_never_turn_data_into_markup() -> None:
    # Names and descriptions reach the page only through textContent and attributes.
    for script in STATIC.glob("*.js"):
        code = script.read_text()
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", code), (
            script
        )


def test_a_model_id_is_looked_up_never_opened_as_a_path(signed_in: TestClient) -> None:
    answer = signed_in.get("/api/model", params={"id": "../../../etc/passwd"})
    assert answer.status_code == 400 and "provider:model" in answer.json()["error"]


def test_the_catalog_is_one_compact_table(signed_in: TestClient, workspace: Workspace) -> None:
    answer = signed_in.get("/api/catalog")
    assert answer.headers["content-type"] == "application/json"
    data = answer.json()
    assert data["columns"][:3] == ["id", "name", "provider"]
    assert len(data["rows"]) == len(workspace.catalog) == data["summary"]["models"]
    assert all(len(row) == len(data["columns"]) for row in data["rows"])
    names = {row[0]: row[1] for row in data["rows"]}
    assert names["evilcorp:evil-1"] == MARKUP_NAME  # sent as data; the page shows it as text
    sources = {row[data["columns"].index("quality_source")] for row in data["rows"]}
    assert "measured" in sources


def test_one_model_with_provenance(signed_in: TestClient) -> None:
    data = signed_in.get("/api/model", params={"id": "openai:gpt-4.1"}).json()
    assert data["facts"]["canonical_id"] == "openai:gpt-4.1"
    assert data["provenance"]["pricing"]["source"] == "models.dev"
    assert set(data["related"]) == {"family", "elsewhere", "successor", "predecessors", "rated_as"}


def test_compare_a_few_models(signed_in: TestClient) -> None:
    data = signed_in.get(
        "/api/compare", params={"ids": "openai:gpt-4.1, openai:gpt-4.1-mini", "context": "1000"}
    ).json()
    assert [m["id"] for m in data["models"]] == ["openai:gpt-4.1", "openai:gpt-4.1-mini"]
    first = data["models"][0]
    assert first["prices"]["input"] is not None and first["quality"]["basis"] in ("measured", "inherited", "estimated")
    wrong = signed_in.get("/api/compare", params={"ids": "openai:gpt-4.1,openai:gpt-4.1-mimi"})
    assert wrong.status_code == 400 and "did you mean" in wrong.json()["error"]
    assert signed_in.get("/api/compare", params={"ids": "openai:gpt-4.1", "context": "lots"}).status_code == 400


def test_the_pareto_frontier() -> None:
    points = [("cheap", 0.1, 1300.0), ("mid", 1.0, 1400.0), ("worse", 2.0, 1350.0), ("best", 10.0, 1450.0)]
    assert pareto_frontier(points) == {"cheap", "mid", "best"}
    assert pareto_frontier([("a", 1.0, 1400.0), ("b", 1.0, 1410.0)]) == {"b"}
    assert pareto_frontier([("alias", 1.0, 1400.0), ("dated", 1.0, 1400.0), ("dear", 2.0, 1400.0)]) == {
        "alias",
        "dated",
    }


def test_the_plan_marks_the_pick_fallbacks_and_frontier(signed_in: TestClient) -> None:
    data = signed_in.get("/api/plan").json()
    roles = {role["name"]: role for role in data["roles"]}
    assert set(roles) == {"llm.inference", "llm.cheap"}
    for role in roles.values():
        points = role["chart"]["points"]
        picks = [p for p in points if p["role"] == "pick"]
        assert [p["id"] for p in picks] == [role["explanation"]["choice"]]
        assert {p["id"] for p in points if p["role"] == "fallback"} == set(role["explanation"]["fallbacks"])
        known = [(p["id"], p["price"], p["quality"]) for p in points if p["price"] is not None and p["quality"]]
        assert {p["id"] for p in points if p["frontier"]} == pareto_frontier(known)
        assert role["explanation"]["tradeoffs"]  # one step up and down in each preference
    projection = roles["llm.inference"]["explanation"]["projection"]  # the role has traffic
    assert projection["primary"]["per_month"] > 0 and roles["llm.cheap"]["explanation"]["projection"] is None
    assert "<script>" in roles["llm.inference"]["description"]  # data, shown as text by the page


def test_without_a_spec_plan_and_edit_say_how_to_start(tmp_path: Path) -> None:
    workspace = Workspace(start=tmp_path, settings=settings_for(MINI, tmp_path / "cache"))
    with TestClient(create_app(workspace, KEY), base_url=BASE) as client:
        client.get(f"/?token={KEY}")
        answer = client.get("/api/plan")
        assert answer.status_code == 400 and "llmhub init" in answer.json()["error"]
        assert client.get("/api/catalog").status_code == 200


def test_a_preview_shows_the_new_pick_and_writes_nothing(signed_in: TestClient, project: Path) -> None:
    before = project.read_text()
    data = post(signed_in, "/api/preview", {"role": "llm.cheap", "fields": {"quality": "high", "cost": "high"}}).json()
    assert data["ok"] and data["pick"]
    assert "+    quality: high" in data["spec_diff"] or "quality: high" in data["spec_diff"]
    assert data["runtime_diff"].startswith("--- llmhub.yaml (now)")
    assert project.read_text() == before and not (project.parent / "llmhub.yaml").exists()


def test_an_invalid_edit_lists_its_problems(signed_in: TestClient) -> None:
    data = post(signed_in, "/api/preview", {"role": "llm.cheap", "fields": {"min_context": -5}}).json()
    assert not data["ok"] and any("min_context" in e for e in data["errors"])
    unknown = post(signed_in, "/api/preview", {"role": "llm.cheap", "fields": {"temperature": 2}}).json()
    assert not unknown["ok"] and "no field 'temperature'" in unknown["errors"][0]
    missing = post(signed_in, "/api/preview", {"role": "llm.nope", "fields": {}}).json()
    assert not missing["ok"] and "llm.cheap" in missing["errors"][0]
    assert signed_in.get("/api/role", params={"name": "llm.nope"}).status_code == 400


def test_saving_writes_the_spec_atomically_with_a_backup_and_not_llmhub_yaml(
    signed_in: TestClient, project: Path
) -> None:
    form = signed_in.get("/api/role", params={"name": "llm.cheap"}).json()
    assert form["fields"]["cost"] == "low" and form["choices"]["providers"] == ["openai", "anthropic"]
    original = project.read_text()
    saved = post(
        signed_in,
        "/api/save",
        {"role": "llm.cheap", "fields": {"quality": "high", "cost": "", "latency": ""}, "digest": form["digest"]},
    ).json()
    assert saved["ok"], saved
    role = yaml.safe_load(project.read_text())["roles"]["llm.cheap"]
    assert role["preferences"] == {"quality": "high"} and role["description"] == "Classify support tickets"
    assert Path(saved["backup"]).read_text() == original
    assert Path(saved["backup"]).parent == project.parent / ".llmhub" / "backup"
    assert not (project.parent / "llmhub.yaml").exists()
    stale = post(signed_in, "/api/save", {"role": "llm.cheap", "fields": {}, "digest": form["digest"]})
    assert stale.status_code == 400 and "changed since the form was loaded" in stale.json()["error"]


def test_llmhub_yaml_is_written_only_as_reviewed(signed_in: TestClient, project: Path) -> None:
    review = post(signed_in, "/api/review", {}).json()
    assert review["changes"] and not review["up_to_date"]
    refused = post(signed_in, "/api/apply", {"digest": "0" * 16})
    assert refused.status_code == 400 and "review the changes again" in refused.json()["error"]
    assert not (project.parent / "llmhub.yaml").exists()
    written = post(signed_in, "/api/apply", {"digest": review["digest"]}).json()
    assert written["written"] and (project.parent / "llmhub.yaml").is_file()
    assert post(signed_in, "/api/review", {}).json()["up_to_date"]


def test_a_body_that_is_not_an_object_is_refused(signed_in: TestClient) -> None:
    answer = signed_in.post("/api/preview", content=b"[1, 2]", headers=WRITE)
    assert answer.status_code == 400
    broken = signed_in.post("/api/preview", content=b"{", headers=WRITE)
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["error"]


COMMENTED = """\
# Our app's roles. Keep the cheap one cheap.
project: ui-demo
providers:
  openai: {env_key: OPENAI_API_KEY}   # the main account
  anthropic: {env_key: ANTHROPIC_API_KEY}
roles:
  llm.inference:
    description: Answers
    preferences: {quality: high}
  # triage runs on every ticket
  llm.cheap:
    description: Classify support tickets
    preferences: {cost: low, latency: low}
  # vectors for search
  llm.embedding: {kind: embedding}   # same model at every host
"""


@pytest.mark.parametrize(
    ("role", "removed", "added"),
    [
        # A block role: its own lines only; the comments around it stay.
        ("llm.cheap", ["    preferences: {cost: low, latency: low}"], ["    preferences:", "      cost: low"]),
        # A one-line flow role at the end (its trailing comment goes with it).
        ("llm.embedding", ["  llm.embedding: {kind: embedding}   # same model at every host"], ["    kind: embedding"]),
    ],
)
def test_saving_rewrites_only_the_edited_role(
    signed_in: TestClient, project: Path, role: str, removed: list[str], added: list[str]
) -> None:
    project.write_text(COMMENTED)
    form = signed_in.get("/api/role", params={"name": role}).json()
    saved = post(signed_in, "/api/save", {"role": role, "fields": {"fallbacks": 1}, "digest": form["digest"]}).json()
    assert saved["ok"], saved
    minus = [
        line[1:] for line in saved["spec_diff"].splitlines() if line.startswith("-") and not line.startswith("---")
    ]
    plus = [line[1:] for line in saved["spec_diff"].splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert minus == removed and all(line in plus for line in added) and "    fallbacks: 1" in plus
    text = project.read_text()
    for kept in ("# Our app's roles", "# the main account", "# triage runs on every ticket", "# vectors for search"):
        assert kept in text
    assert yaml.safe_load(text)["roles"][role]["fallbacks"] == 1


def test_a_spec_that_cannot_be_cut_is_written_whole_and_still_valid(signed_in: TestClient, project: Path) -> None:
    project.write_text(
        "# top comment\nproviders: {openai: {env_key: OPENAI_API_KEY}}\n"
        "roles: {llm.cheap: {description: Classify, preferences: {cost: low}}}\n"
    )
    form = signed_in.get("/api/role", params={"name": "llm.cheap"}).json()
    saved = post(signed_in, "/api/save", {"role": "llm.cheap", "fields": {"cost": "high"}, "digest": form["digest"]})
    assert saved.json()["ok"]
    text = project.read_text()
    assert text.startswith("# yaml-language-server:") and "# top comment" in text
    assert yaml.safe_load(text)["roles"]["llm.cheap"]["preferences"] == {"cost": "high"}


def test_with_an_env_the_plan_shows_the_overlay_and_its_own_file(project: Path, tmp_path: Path) -> None:
    from llmhub.ui.plan_views import plan_page

    spec = project  # the fixture gives the spec's path
    overlay = "environments:\n  prod:\n    roles:\n      llm.cheap: {preferences: {quality: high, cost: high}}\n"
    spec.write_text(spec.read_text() + overlay)
    settings = settings_for(MINI, tmp_path / "cache")
    plain = {r["name"]: r for r in plan_page(Workspace(project, settings=settings))["roles"]}
    prod_space = Workspace(project, settings=settings, env="prod")
    prod = {r["name"]: r for r in plan_page(prod_space)["roles"]}
    assert prod_space.runtime_path.name == "llmhub.prod.yaml"
    assert prod["llm.cheap"]["explanation"]["choice"] != plain["llm.cheap"]["explanation"]["choice"]
    assert (
        prod["llm.cheap"]["explanation"]["weights"]["quality"] > plain["llm.cheap"]["explanation"]["weights"]["quality"]
    )
