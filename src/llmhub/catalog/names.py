"""Model name normalisation: from any spelling of a model id to a comparable `NameKey`.

LMArena, models.dev and the providers spell the same model differently: `claude-opus-4-5-20251101-
thinking-32k` (arena), `claude-opus-4-5` (Anthropic), `anthropic/claude-opus-4.5` (OpenRouter),
`anthropic.claude-opus-4-5-20251101-v1:0` (Bedrock), `claude-opus-4-5@20251101` (Vertex).
`parse_name` reduces each to its core identity, its date or
revision, and its serving variants, using the rules in `data/names.yaml`: decorations and host
words dropped, variants set aside (also from a leaderboard name's brackets: `glm-5.2 (max)`), dates
in every style names use, and `name_aliases` for names a model also goes by (Mistral's
`mistral-medium-3.1` is `mistral-medium-2508`). Pure functions, no I/O beyond reading that file once.
"""

from __future__ import annotations

import functools
import itertools
import re
from datetime import date
from typing import Any, NamedTuple

from llmhub.catalog._data import load_data

__all__ = ["NameKey", "base_id", "lab_of", "parse_name", "tokens"]

_TOKEN = re.compile(r"[a-z]+|\d+")
_FIREWORKS_VERSION = re.compile(r"(?<=\d)p(?=\d)")  # llama-v3p1 -> llama-v3.1
_TRAILING_ZERO_VERSION = re.compile(r"(v\d+)\.0(?=$|[^.\d])")  # nova-pro-v1.0 -> nova-pro-v1
_COLON_REVISION = re.compile(r"(?:-\d+)?:\d{1,2}$")  # bedrock ...-v1:0 (-> -v1), openai.gpt-oss-120b-1:0; not :0731
_THINKING_BUDGET = re.compile(r"(?<=thinking):\d+$")  # nano-gpt's claude-opus-4-thinking:32000
_ATTACHED_V = re.compile(r"(?<=\d)v(?=[-_.]?\d)")  # step-1v-32k is Step-1 Vision, not step-1 version 32
_BRACKETS = re.compile(r"\s*[(\[]([^)\]]*)[)\]]")  # arena display suffixes: "glm-5.2 (max)"
_NO_VARIANTS: frozenset[str] = frozenset()


class NameKey(NamedTuple):
    """A model name reduced to what identifies it.

    A named tuple rather than a dataclass: one is made for every distinct id in every build, and
    a tuple is the cheapest immutable record to make.

    Attributes:
        core: The identity tokens, e.g. ("claude", "opus", "4", "5").
        date: The date or revision as "YYYY-MM-DD", "YYYY-MM", "????-MM-DD" (year unknown) or "rev:002".
        variants: Serving variants, e.g. {"thinking"} or {"high"}.
        lab: The lab that made the model, when the first core word says ("anthropic").
        prerelease: The name said preview, exp or beta.
        moving: The name is a moving alias such as `-latest`.
        instruct: The name said "instruct": the non-thinking model where a lab sells both.
        budget: A thinking variant came with a budget (thinking-32k): a request parameter.
    """

    core: tuple[str, ...]
    date: str | None
    variants: frozenset[str]
    lab: str | None
    prerelease: bool = False
    moving: bool = False
    instruct: bool = False
    budget: bool = False

    @property
    def numbers(self) -> tuple[str, ...]:
        """The number tokens of the core, which fuzzy matching must never change."""
        return tuple(filter(str.isdigit, self.core))

    @property
    def words(self) -> tuple[str, ...]:
        """The word tokens of the core."""
        return tuple(itertools.filterfalse(str.isdigit, self.core))


@functools.cache
def _rules() -> dict[str, Any]:
    raw = load_data("names.yaml")
    # Variants are tokenised like names ("fp8" -> fp 8) and indexed by their first token, longest
    # first, so "no thinking" beats "thinking" and most tokens cost one dict lookup.
    variants: dict[str, list[tuple[str, ...]]] = {}
    for text in sorted(raw["variants"], key=lambda v: len(tokens(v)), reverse=True):
        parts = tuple(tokens(text))
        variants.setdefault(parts[0], []).append(parts)
    lab_by_word = {word: lab for lab, words in raw["labs"].items() for word in words}
    dropped = frozenset(raw["decorations"]) | frozenset(raw["prerelease_words"]) | frozenset(raw["moving_words"])
    synonyms = {tuple(tokens(a)): b for a, b in (raw.get("variant_synonyms") or {}).items()}
    bracket: dict[str, list[tuple[str, ...]]] = {}
    for text in sorted(raw["bracket_variants"], key=lambda v: len(tokens(v)), reverse=True):
        parts = tuple(tokens(text))
        bracket.setdefault(parts[0], []).append(parts)
    trailing = frozenset(raw["trailing_variants"])
    return {
        # Words dropped from a name's core (recording preview or moving alias on the way).
        "dropped": dropped,
        "variants": variants,
        # Tokens that are not simply kept: most names have none and skip the token-by-token pass.
        "special": dropped | variants.keys() | trailing | {"v", "0"},
        "synonyms": synonyms,
        "bracket": bracket,
        "trailing": trailing,
        "mode": frozenset(raw["mode_variants"]),
        "thinking_labs": frozenset(raw["thinking_parameter_labs"]),
        "aliases_raw": raw.get("name_aliases") or {},
        "instruct_labs": frozenset(raw.get("instruct_model_labs") or ()),
        "serving_neutral": frozenset(raw["serving_neutral"]),
        "extendable": frozenset(raw["extendable"]),
        "prerelease": frozenset(raw["prerelease_words"]),
        "moving": frozenset(raw["moving_words"]),
        "org_prefixes": frozenset(raw["org_prefixes"]),
        "dotted": re.compile(
            r"^(?:(?:{regions})\.)?(?:{vendors})\.".format(
                regions="|".join(map(re.escape, raw["dotted_region_prefixes"])),
                vendors="|".join(map(re.escape, raw["dotted_vendor_prefixes"])),
            )
        ),
        "months": raw["months"],
        "discriminating": frozenset(raw["discriminating_words"]),
        "lab_by_word": lab_by_word,
    }


def serving_neutral() -> frozenset[str]:
    """Variants that do not change a model's quality (quantisation, free/fast tiers)."""
    return _rules()["serving_neutral"]  # type: ignore[no-any-return]


def extendable_variants() -> frozenset[str]:
    """Arena variants (reasoning effort) that may lend their score to the plain API model."""
    return _rules()["extendable"]  # type: ignore[no-any-return]


def mode_variants() -> frozenset[str]:
    """Thinking modes (thinking, no-thinking): request options of hybrid models, separate models elsewhere."""
    return _rules()["mode"]  # type: ignore[no-any-return]


def thinking_parameter_labs() -> frozenset[str]:
    """Labs whose APIs always make thinking a request parameter of the same model."""
    return _rules()["thinking_labs"]  # type: ignore[no-any-return]


def discriminating_words() -> frozenset[str]:
    """Words whose presence or absence always means a different model."""
    return _rules()["discriminating"]  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=32768)
def base_id(model_id: str) -> str:
    """The model's own name, without host prefixes and host-specific suffixes.

    `openai/gpt-5` -> `gpt-5`; `us.anthropic.claude-3-5-haiku-20241022-v1:0` -> `claude-3-5-haiku-20241022-v1`;
    `claude-3-5-haiku@20241022` -> `claude-3-5-haiku-20241022`; `accounts/fireworks/models/llama-v3p1-8b`
    -> `llama-v3.1-8b`.
    """
    name = model_id.rsplit("/", 1)[-1].lower()
    # Each rewrite only runs when its trigger character is present: most ids need none of them.
    if "p" in name:
        name = _FIREWORKS_VERSION.sub(".", name)  # first: it creates the dots trimmed below
    if "." in name:
        name = _rules()["dotted"].sub("", name)
        if ".0" in name:  # a substitution with a group reference is slow even when nothing matches
            name = _TRAILING_ZERO_VERSION.sub(r"\1", name)
    if ":" in name:
        name = _THINKING_BUDGET.sub("", _COLON_REVISION.sub("", name))
    if "@" in name:
        name = name.replace("@", "-")
    return name


def tokens(name: str) -> list[str]:
    """Word and number tokens of a name, decimals split ("gpt-4.1" -> gpt 4 1)."""
    return _TOKEN.findall(name.lower())


@functools.lru_cache(maxsize=32768)
def parse_name(model_id: str) -> NameKey:
    """Reduce a model id or arena name to its `NameKey`."""
    rules = _rules()
    if model_id and model_id[-1] in ")]":  # only leaderboard display names end in brackets
        model_id, bracketed = _bracket_variants(model_id, rules)
        key = _parse(model_id, rules)
        key = key._replace(variants=key.variants | bracketed)
    else:
        key = _parse(model_id, rules)
    aliases = _aliases()
    alias = aliases.get(key.core) if key.core and key.core[0] in aliases.heads else None
    if alias is not None:
        core, alias_date = alias
        key = key._replace(core=core, date=key.date or alias_date, lab=rules["lab_by_word"].get(core[0]))
    return key


def _parse(model_id: str, rules: dict[str, Any]) -> NameKey:
    name = base_id(model_id)  # lower-cased
    toks = _TOKEN.findall(name)
    if "v" in toks and _ATTACHED_V.search(name):
        toks = _TOKEN.findall(_ATTACHED_V.sub("-vision-", name))
    if rules["special"].isdisjoint(toks):
        kept, variants, flags = toks, _NO_VARIANTS, (False, False, False, False)
    else:
        kept, variants, flags = _strip(toks, rules)
    kept, found_date = _split_date(kept, rules["months"])
    while len(kept) > 1 and kept[0] in rules["org_prefixes"]:
        kept = kept[1:]
    lab = rules["lab_by_word"].get(kept[0]) if kept else None
    if flags[2] and lab in rules["instruct_labs"]:
        kept = [*kept, "instruct"]  # gpt-3.5-turbo-instruct is a completion model, not gpt-3.5-turbo
    return NameKey(tuple(kept), found_date, variants, lab, *flags)


class _Aliases(dict[tuple[str, ...], tuple[tuple[str, ...], str | None]]):
    """names.yaml `name_aliases` as core -> (core, date) of the name it is matched under."""

    heads: frozenset[str] = frozenset()
    """The first words of the aliased cores: most names start with none and skip the lookup."""


@functools.cache
def _aliases() -> _Aliases:
    rules = _rules()
    found = _Aliases()
    for spelling, target in rules["aliases_raw"].items():
        aliased, canonical = _parse(str(spelling), rules), _parse(str(target), rules)
        found[aliased.core] = (canonical.core, canonical.date)
    found.heads = frozenset(core[0] for core in found if core)
    return found


def _bracket_variants(name: str, rules: dict[str, Any]) -> tuple[str, frozenset[str]]:
    """A leaderboard name without its bracketed notes, and the variants the notes name.

    `glm-5.2 (max)` -> `glm-5.2`, {max}; `gemini-3-flash (thinking-minimal)` -> {thinking, minimal};
    nicknames and notes (`(nano-banana)`, `[web-search]`) are dropped.
    """
    found: set[str] = set()
    index, synonyms = rules["bracket"], rules["synonyms"]
    for content in _BRACKETS.findall(name):
        toks = tokens(content)
        i = 0
        while i < len(toks):
            for phrase in index.get(toks[i], ()):
                if tuple(toks[i : i + len(phrase)]) == phrase:
                    found.add(synonyms.get(phrase, "-".join(phrase)))
                    i += len(phrase)
                    break
            else:
                i += 1
    return _BRACKETS.sub("", name).strip(), frozenset(found)


def _strip(toks: list[str], rules: dict[str, Any]) -> tuple[list[str], frozenset[str], tuple[bool, bool, bool, bool]]:
    """Take serving variants and dropped words out of a name's tokens.

    Returns the tokens kept, the variants, and the flags prerelease, moving, instruct and budget
    (see `NameKey`).
    """
    count = len(toks)
    kept: list[str] = []
    variants: set[str] = set()
    prerelease = moving = instruct = budget = False
    after_v = -1  # where the number after a "v" went: a trailing v1 is dropped
    i = 0
    variant_index, dropped, synonyms = rules["variants"], rules["dropped"], rules["synonyms"]
    prerelease_words, moving_words = rules["prerelease"], rules["moving"]
    while i < count:
        tok = toks[i]
        if tok in variant_index:  # most tokens start no variant
            matched = None
            for variant in variant_index[tok]:
                if tuple(toks[i : i + len(variant)]) == variant:
                    matched = variant
                    break
            if matched is not None:
                name = "".join(matched) if matched[-1].isdigit() else "-".join(matched)
                variants.add(synonyms.get(matched, name))
                i += len(matched)
                if matched == ("thinking",) and i + 1 < count and toks[i].isdigit() and toks[i + 1] == "k":
                    i += 2  # a thinking budget: thinking-32k
                    budget = True
                continue
        if tok in dropped:
            prerelease = prerelease or tok in prerelease_words
            moving = moving or tok in moving_words
            instruct = instruct or tok == "instruct"
            i += 1
            continue
        if tok == "v" and i + 1 < count and toks[i + 1].isdigit():
            after_v = len(kept)
            i += 1
            continue
        if tok == "0" and kept and kept[-1].isdigit() and not (i + 1 < count and toks[i + 1].isdigit()):
            i += 1  # a .0 minor version: gemini-3.0-pro is gemini-3-pro
            continue
        kept.append(tok)
        i += 1
    if len(kept) > 1 and after_v == len(kept) - 1 and kept[-1] == "1":
        kept.pop()  # nova-pro-v1, llama3-3-70b-instruct-v1:0
    if (
        len(kept) > 2
        and kept[-1] in rules["trailing"]
        and any(t.isdigit() for t in kept)
        and not rules["discriminating"].isdisjoint(kept[:-1])
    ):
        variants.add(kept.pop())  # gemini-3.5-flash-medium; never mistral-medium or krea-2-medium
    return kept, frozenset(variants), (prerelease, moving, instruct, budget)


def lab_of(model_id: str) -> str | None:
    """The lab that made a model, from its name (None when the name does not say)."""
    return parse_name(model_id).lab


def _split_date(toks: list[str], months: dict[str, int]) -> tuple[list[str], str | None]:
    """Take a trailing date (in any of the styles names use) or revision off the token list."""
    if len(toks) < 2 or not toks[-1].isdigit():  # every style below ends in a number
        return toks, None
    # A revision after a date ("20241022", "2") left by Bedrock's "-v2" once "v" is dropped.
    if len(toks) >= 3 and len(toks[-1]) == 1 and _yyyymmdd(toks[-2]):
        toks = toks[:-1]
    # In this order: one long number, then dates spread over tokens, then one short number.
    found = _long_date(toks[-1])
    if found is not None:
        return toks[:-1], found
    spread = _spread_date(toks, months)
    if spread is not None:
        return toks[: -spread[0]], spread[1]
    found = _short_date(toks[-1])
    return (toks[:-1], found) if found is not None else (toks, None)


def _long_date(last: str) -> str | None:
    """YYYYMMDD, YYYYMM or YYMMDD (deepseek-v3.2-251201) in one token."""
    if _yyyymmdd(last):
        return f"{last[:4]}-{last[4:6]}-{last[6:]}"
    if len(last) == 6 and last.startswith("20") and 1 <= int(last[4:]) <= 12:
        return f"{last[:4]}-{last[4:]}"
    if len(last) == 6 and 23 <= int(last[:2]) <= 29 and _is_month(last[2:4]) and _is_day(last[4:]):
        return f"20{last[:2]}-{last[2:4]}-{last[4:]}"
    return None


def _spread_date(toks: list[str], months: dict[str, int]) -> tuple[int, str] | None:
    """A date over the last tokens (YYYY MM DD, MM YYYY, month-name YYYY, MM DD): how many tokens, and it."""
    if len(toks) >= 4 and _is_year(toks[-3]) and _is_month(toks[-2]) and _is_day(toks[-1]):
        return 3, f"{toks[-3]}-{int(toks[-2]):02d}-{int(toks[-1]):02d}"
    if len(toks) < 3:
        return None
    month, last = toks[-2], toks[-1]
    if _is_month(month) and len(month) == 2 and _is_year(last):
        return 2, f"{last}-{month}"
    if month in months and _is_year(last):
        return 2, f"{last}-{months[month]:02d}"
    if (
        len(month) == 2
        and len(last) == 2
        and month.isdigit()
        and _is_month(month)
        and _is_day(last)
        and (month.startswith("0") or not toks[-3].isdigit())  # "3 02 24" is a date, "3 10 09" unclear
    ):
        return 2, f"????-{month}-{last}"
    return None


def _short_date(last: str) -> str | None:
    """MMDD or YYMM in four digits, or a three-digit revision (`rev:001`)."""
    if len(last) == 4:
        mm, dd = int(last[:2]), int(last[2:])
        if 1 <= mm <= 12 and 1 <= dd <= 31:
            return f"????-{last[:2]}-{last[2:]}"
        if 23 <= mm <= 29 and 1 <= dd <= 12:
            return f"20{last[:2]}-{last[2:]}"
    if len(last) == 3 and last.startswith("0"):
        return f"rev:{last}"
    return None


def _yyyymmdd(tok: str) -> bool:
    return len(tok) == 8 and tok.isdigit() and tok.startswith("20") and _is_month(tok[4:6]) and _is_day(tok[6:])


def _is_year(tok: str) -> bool:
    return len(tok) == 4 and tok.isdigit() and 2020 <= int(tok) <= 2039


def _is_month(tok: str) -> bool:
    return tok.isdigit() and 1 <= int(tok) <= 12


def _is_day(tok: str) -> bool:
    return tok.isdigit() and 1 <= int(tok) <= 31


@functools.lru_cache(maxsize=8192)
def parse_day(text: str | None) -> date | None:
    """A models.dev `YYYY-MM-DD` or `YYYY-MM` date as a `date` (the 1st for a month), else None."""
    if not text:
        return None
    parts = text.split("-")
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


def date_value(text: str | None, reference: date | None = None) -> date | None:
    """The `date` a NameKey date string stands for; a missing year is taken from `reference`.

    With an unknown year ("????-05-28") the year is the one that puts the date on or before
    `reference` (a model cannot be older than a version it names), else None.
    """
    if not text or text.startswith("rev:"):
        return None
    parts = text.split("-")
    if parts[0] == "????":
        if reference is None:
            return None
        month, day = int(parts[1]), int(parts[2])
        for year in (reference.year, reference.year - 1):
            try:
                candidate = date(year, month, day)
            except ValueError:
                return None
            if candidate <= reference:
                return candidate
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) > 2 else 1)
    except ValueError:
        return None
