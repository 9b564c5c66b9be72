"""The Edit page: change one role's preferences and constraints, preview, save the spec; review, then generate.

Nothing is written on a preview. Saving writes only `llmhub.spec.yaml`: validated like `llmhub spec
validate` (with the catalog), atomically, the replaced file kept under `.llmhub/backup/` as
`llmhub generate` keeps llmhub.yaml's, and only when the file is still the one the form was loaded
from. `llmhub.yaml` is written by a second step with the CLI's review: the role changes and the
diff are shown first, and the write goes ahead only for exactly the text that was reviewed.
"""

from __future__ import annotations

import difflib
import hashlib
from typing import TYPE_CHECKING, Any

import yaml

from llmhub.errors import GenerationError, SpecError
from llmhub.ui.plan_views import explanation_data, role_chart
from llmhub.ui.workspace import Workspace, check_role

if TYPE_CHECKING:
    from llmhub.spec.models import SpecConfig

__all__ = [
    "CAPABILITIES",
    "FORM_FIELDS",
    "LEVELS",
    "apply_reviewed",
    "digest",
    "edited_role",
    "preview_edit",
    "review_generation",
    "role_form",
    "save_edit",
]

LEVELS = ("low", "medium", "high")
CAPABILITIES = ("tools", "vision", "structured_output", "reasoning", "audio_input", "pdf")
FORM_FIELDS = (
    "quality",
    "cost",
    "latency",
    "providers",
    "requires",
    "min_context",
    "max_price_input",
    "max_price_output",
    "open_weights_only",
    "fallbacks",
    "exclude",
)
"""What the form can change; every other key of the role is kept as written."""


def digest(text: str | None) -> str:
    """A short fingerprint of a file's text: what the reviewer saw ("" when there is no file)."""
    return "" if text is None else hashlib.sha256(text.encode()).hexdigest()[:16]


def _read(workspace: Workspace) -> tuple[str, dict[str, Any]]:
    text = workspace.spec_path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or not isinstance(data.get("roles"), dict):
        raise SpecError(f"{workspace.spec_path}: no `roles:` mapping to edit; fix the file or run `llmhub init`")
    return text, data


def role_form(workspace: Workspace, name: str) -> dict[str, Any]:
    """The role's current settings as form fields, with the choices the form offers."""
    text, data = _read(workspace)
    name = name or next(iter(data["roles"]), "")  # no role named: the first one
    role = data["roles"][check_role(workspace, name, data["roles"])] or {}
    prefs = role.get("preferences") or {}
    limit = role.get("max_price") or {}
    fields = {
        "quality": prefs.get("quality") or "",
        "cost": prefs.get("cost") or "",
        "latency": prefs.get("latency") or "",
        "providers": list(prefs.get("providers") or []),
        "requires": list(role.get("requires") or []),
        "min_context": role.get("min_context"),
        "max_price_input": limit.get("input"),
        "max_price_output": limit.get("output"),
        "open_weights_only": bool(role.get("open_weights_only", False)),
        "fallbacks": role.get("fallbacks"),
        "exclude": list(role.get("exclude") or []),
    }
    return {
        "role": name,
        "roles": list(data["roles"]),
        "description": role.get("description", ""),
        "kind": role.get("kind", "chat"),
        "fields": fields,
        "digest": digest(text),
        "choices": {
            "levels": list(LEVELS),
            "capabilities": list(CAPABILITIES),
            "providers": list(data.get("providers") or {}),
        },
    }


def _set(target: dict[str, Any], key: str, value: Any) -> None:
    """Set `key`, or remove it when the form left it empty (the spec's default then applies)."""
    if value in (None, "", [], {}, False):
        target.pop(key, None)
    else:
        target[key] = value


def edited_role(role: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """The role's spec entry with the form's fields applied; keys the form does not show are kept.

    Raises:
        SpecError: a field the form does not have.
    """
    unknown = sorted(set(fields) - set(FORM_FIELDS))
    if unknown:
        raise SpecError(f"the form has no field {unknown[0]!r}; fields: {', '.join(FORM_FIELDS)}")
    updated = dict(role)
    prefs = dict(updated.get("preferences") or {})
    for key in ("quality", "cost", "latency", "providers"):
        if key in fields:
            _set(prefs, key, fields[key])
    _set(updated, "preferences", prefs)
    limit = dict(updated.get("max_price") or {})
    for key in ("input", "output"):
        if f"max_price_{key}" in fields:
            _set(limit, key, fields[f"max_price_{key}"])
    _set(updated, "max_price", limit)
    for key in ("requires", "min_context", "open_weights_only", "fallbacks", "exclude"):
        if key in fields:
            _set(updated, key, fields[key])
    return updated


def _header(text: str) -> str | None:
    """The spec's leading comment lines (not the schema line `dump_spec` writes itself), to keep them."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if "yaml-language-server:" not in line:
            lines.append(line[1:].removeprefix(" "))
    return "\n".join(lines) or None


def _role_lines(text: str, name: str) -> tuple[int, int, int] | None:
    """Where role `name` is written: its first line, the line after it, and its key's indentation.

    Blank and comment lines after the role belong to what follows. None when the roles are not a
    block mapping the role can be cut out of.
    """
    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        return None
    roles = next((value for key, value in root.value if key.value == "roles"), None)
    if not isinstance(roles, yaml.MappingNode) or roles.flow_style:
        return None
    lines = text.splitlines()
    for key, value in roles.value:
        if key.value != name:
            continue
        first = key.start_mark.line
        # A block ends where the next key starts (after its indentation); a flow mapping, after its `}`.
        mark = value.end_mark
        ended_before = mark.line >= len(lines) or not lines[mark.line][: mark.column].strip()
        end = mark.line if ended_before else mark.line + 1
        while end - 1 > first and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        return first, end, key.start_mark.column
    return None


def _spliced(text: str, name: str, role: dict[str, Any], data: dict[str, Any]) -> str | None:
    """`text` with only role `name` rewritten (comments and layout elsewhere kept); None if that fails.

    The result must read back as exactly `data`, else the whole file is rewritten instead.
    """
    try:
        where = _role_lines(text, name)
    except yaml.YAMLError:
        return None
    if where is None:
        return None
    first, end, indent = where
    block = yaml.safe_dump({name: role}, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    lines = text.splitlines(keepends=True)
    new = [" " * indent + line for line in block.splitlines(keepends=True)]
    spliced = "".join([*lines[:first], *new, *lines[end:]])
    return spliced if yaml.safe_load(spliced) == data else None


def _edited(workspace: Workspace, name: str, fields: dict[str, Any]) -> tuple[str, str, SpecConfig]:
    """The spec's text now, its text after the edit, and the edited spec (validated by its model).

    Only the role's lines change when they can be cut out cleanly; otherwise the spec is written
    whole in the canonical layout (`dump_spec`), keeping the comment lines at its top.
    """
    from llmhub.spec import dump_spec, parse_spec

    text, data = _read(workspace)
    check_role(workspace, name, data["roles"])
    data["roles"][name] = edited_role(data["roles"][name] or {}, fields)
    source = f"{workspace.spec_path.name} (edited)"
    after = _spliced(text, name, data["roles"][name], data)
    if after is None:
        spec = parse_spec(yaml.safe_dump(data, sort_keys=False), source=source)
        return text, dump_spec(spec, header=_header(text)), spec
    return text, after, parse_spec(after, source=source)


def _unified(before: str | None, after: str, name: str) -> str:
    return "".join(
        difflib.unified_diff(
            (before or "").splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"{name} (now)",
            f"{name} (after)",
        )
    )


def _issues(errors: list[Any]) -> dict[str, Any]:
    return {"ok": False, "errors": [str(issue) for issue in errors]}


def preview_edit(workspace: Workspace, name: str, fields: dict[str, Any]) -> dict[str, Any]:
    """What the edit would do: the spec's diff, the role's new pick and chart, and llmhub.yaml's diff.

    Writes nothing. A spec the edit makes invalid, or a role it leaves without candidates, comes back
    as `ok: false` with every problem.
    """
    from llmhub.diff import diff_runtime
    from llmhub.errors import NoCandidateError
    from llmhub.generator import GeneratorOptions, generate_runtime_from_spec
    from llmhub.spec.validate import validate_spec

    try:
        before, after, spec = _edited(workspace, name, fields)
    except SpecError as exc:
        return _issues([f"{field}: {message}" if field else message for field, _, message in exc.problems])
    checked = validate_spec(
        spec, catalog=workspace.catalog, rules=workspace.rules, check_env_keys=False, settings=workspace.settings
    )
    if not checked.valid:
        return _issues(checked.errors)
    options = GeneratorOptions(
        no_llm=True,
        catalog=workspace.catalog,
        rules=workspace.rules,
        settings=workspace.settings,
        spec_name=workspace.spec_path.name,
        env=workspace.env,
    )
    try:
        result = generate_runtime_from_spec(spec, options)
    except NoCandidateError as exc:
        return _issues([str(exc)])
    explanation = result.explanations[name]
    runtime_now = workspace.runtime_text()
    return {
        "ok": True,
        "role": name,
        "pick": explanation.choice,
        "fallbacks": explanation.fallbacks,
        "explanation": explanation_data(explanation),
        "chart": role_chart(workspace, spec, name, explanation.choice, explanation.fallbacks),
        "spec_diff": _unified(before, after, workspace.spec_path.name),
        "runtime_diff": _unified(runtime_now, result.text(), "llmhub.yaml"),
        "changes": [change.to_dict() for change in diff_runtime(_loaded(runtime_now), result.runtime)],
        "warnings": [str(w) for w in checked.warnings] + list(result.warnings),
    }


def _loaded(text: str | None) -> Any:
    if text is None:
        return None
    from llmhub_runtime.config_loader import parse_config
    from llmhub_runtime.errors import ConfigError

    try:
        return parse_config(text)
    except ConfigError:
        return None


def save_edit(workspace: Workspace, name: str, fields: dict[str, Any], seen: str) -> dict[str, Any]:
    """Validate the edit and write the spec atomically, keeping the replaced file as a backup.

    Args:
        workspace: The project.
        name: The role edited.
        fields: The form's fields.
        seen: The digest of the spec the form was loaded from: a file changed since is not overwritten.

    Raises:
        SpecError: the spec changed on disk since the form was loaded.
    """
    from llmhub.runtime_files import backup_file
    from llmhub.schemas import write_schema
    from llmhub_runtime.config_loader import atomic_write_text

    with workspace.lock:
        now = workspace.spec_path.read_text(encoding="utf-8")
        if digest(now) != seen:
            raise SpecError(f"{workspace.spec_path} changed since the form was loaded; reload the page and edit again")
        outcome = preview_edit(workspace, name, fields)
        if not outcome["ok"]:
            return outcome
        _, after, _ = _edited(workspace, name, fields)
        kept = backup_file(workspace.spec_path)
        # What `save_spec` does, for the exact text previewed: checked above, the schema beside it, atomic.
        write_schema("spec", workspace.spec_path)
        atomic_write_text(workspace.spec_path, after)
    return {**outcome, "saved": str(workspace.spec_path), "backup": str(kept), "digest": digest(after)}


def review_generation(workspace: Workspace) -> dict[str, Any]:
    """What `llmhub generate` would write now, as its review shows it: role changes and the file's diff."""
    from llmhub.plan import plan_generation

    plan = plan_generation(
        workspace.spec_path, env=workspace.env, sources=workspace.sources, no_llm=True, settings=workspace.settings
    )
    return {
        "target": str(plan.target),
        "changes": [change.to_dict() for change in plan.changes],
        "up_to_date": plan.up_to_date,
        "needs_review": plan.needs_review,
        "previous_problem": plan.previous_problem,
        "diff": _unified(plan.previous_text, plan.text, plan.target.name),
        "digest": digest(plan.text),
    }


def apply_reviewed(workspace: Workspace, reviewed: str) -> dict[str, Any]:
    """Write llmhub.yaml, only when it is exactly the text reviewed (`reviewed` is its digest).

    Raises:
        GenerationError: the plan differs from the reviewed one (the spec or catalog changed meanwhile).
    """
    from llmhub.plan import apply_plan, plan_generation

    with workspace.lock:
        plan = plan_generation(
            workspace.spec_path, env=workspace.env, sources=workspace.sources, no_llm=True, settings=workspace.settings
        )
        if digest(plan.text) != reviewed:
            raise GenerationError(
                f"{plan.target.name} would differ from the version you reviewed; review the changes again"
            )
        if plan.up_to_date:
            return {"written": False, "target": str(plan.target), "backup": None}
        backup = apply_plan(plan)
    return {"written": True, "target": str(plan.target), "backup": str(backup) if backup else None}
