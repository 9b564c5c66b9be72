import warnings

from llmhub.catalog.providers import anyllm_name_for, provider_mappings


def test_every_anyllm_provider_has_a_mapping_entry() -> None:
    from any_llm import AnyLLM

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        supported = {str(p) for p in AnyLLM.get_supported_providers()}
    assert set(provider_mappings()) == supported


def test_renamed_providers() -> None:
    assert anyllm_name_for("google") == "gemini"
    assert anyllm_name_for("alibaba") == "dashscope"
    assert anyllm_name_for("togetherai") == "together"
    assert anyllm_name_for("amazon-bedrock") == "bedrock"
    assert anyllm_name_for("openai") == "openai"
    assert anyllm_name_for("vercel") is None  # kept in the catalog, not callable


def test_mapped_modelsdev_ids_are_unique() -> None:
    ids = [m.modelsdev for m in provider_mappings().values() if m.modelsdev]
    assert len(ids) == len(set(ids))


def test_self_hosted_providers_explain_why_they_have_no_listing() -> None:
    for name in ("vllm", "ollama", "llamacpp"):
        mapping = provider_mappings()[name]
        assert mapping.modelsdev is None and mapping.note


def test_key_variables_match_what_any_llm_reads() -> None:
    # The data stands in for any-llm at the commands that call no provider: it must say the same.
    from any_llm import AnyLLM

    checked = 0
    for name, mapping in provider_mappings().items():
        try:
            declared = getattr(AnyLLM.get_provider_class(name), "ENV_API_KEY_NAME", None)
        except ImportError:
            continue  # that provider's SDK extra is not installed here (gemini is pinned below)
        first = (declared or "").split("/")[0].strip()
        expected = first if first and first.replace("_", "").isalnum() and first.isupper() else None
        assert mapping.key == expected, (name, mapping.key, declared)
        checked += 1
    assert checked >= 40
    assert provider_mappings()["gemini"].key == "GEMINI_API_KEY"  # any-llm: "GEMINI_API_KEY/GOOGLE_API_KEY"
