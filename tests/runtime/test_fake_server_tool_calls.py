"""Tool-calling conversations played by FakeOpenAIServer, through the real any-llm path (no FakeBackend)."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from any_llm.types.completion import ChatCompletion, ChatCompletionMessageFunctionToolCall

from llmhub_runtime import BadRequestError, LLMHub
from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse, ScriptedToolCall

CHAT = "/v1/chat/completions"
QUESTION = [{"role": "user", "content": "which model is cheapest for chat?"}]
TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "search_catalog",
            "description": "Search the model catalog.",
            "parameters": {
                "type": "object",
                "properties": {"query": {"type": "string"}, "limit": {"type": "integer"}},
                "required": ["query"],
            },
        },
    }
]


@pytest.fixture
def hub(fake_server: FakeOpenAIServer, local_key: str) -> Iterator[LLMHub]:
    config = {
        "providers": {"local": {"type": "openai", "api_base": fake_server.base_url, "env_key": "LOCAL_LLM_KEY"}},
        "roles": {
            "agent": {"provider": "local", "model": "agent-model"},
            "helper": {"provider": "local", "model": "helper-model"},
        },
        "resilience": {"backoff_initial_seconds": 0.01, "jitter": 0},
    }
    with LLMHub(config=config) as hub:
        yield hub


def only_call(response: ChatCompletion) -> ChatCompletionMessageFunctionToolCall:
    """The single function tool call of `response`."""
    calls = response.choices[0].message.tool_calls
    assert calls is not None and len(calls) == 1
    (call,) = calls
    assert isinstance(call, ChatCompletionMessageFunctionToolCall)
    return call


def test_a_scripted_tool_call_comes_back_as_an_anyllm_tool_call(hub: LLMHub, fake_server: FakeOpenAIServer) -> None:
    scripted = ScriptedToolCall("search_catalog", {"query": "chat", "limit": 3})
    fake_server.enqueue(ScriptedResponse(tool_calls=[scripted]))

    response = hub.completion(role="agent", messages=QUESTION, tools=TOOLS)

    assert isinstance(response, ChatCompletion)
    assert response.choices[0].finish_reason == "tool_calls"
    assert response.choices[0].message.content is None
    call = only_call(response)
    assert call.id == "call_1"
    assert call.type == "function"
    assert call.function.name == "search_catalog"
    assert json.loads(call.function.arguments) == {"query": "chat", "limit": 3}
    (request,) = fake_server.requests
    assert request.body["tools"] == TOOLS


def test_the_tool_result_turn_is_recorded_and_answered_by_the_next_script(
    hub: LLMHub, fake_server: FakeOpenAIServer
) -> None:
    fake_server.enqueue(
        ScriptedResponse(tool_calls=[ScriptedToolCall("search_catalog", {"query": "cheap chat"})]),
        ScriptedResponse(content="gpt-4o-mini is the cheapest."),
    )
    first = hub.completion(role="agent", messages=QUESTION, tools=TOOLS)
    call = only_call(first)
    tool_message = {"role": "tool", "tool_call_id": call.id, "content": '{"models": ["gpt-4o-mini"]}'}
    assistant = first.choices[0].message.model_dump(exclude_none=True)
    second = hub.completion(role="agent", messages=[*QUESTION, assistant, tool_message], tools=TOOLS)

    assert second.choices[0].message.content == "gpt-4o-mini is the cheapest."
    assert second.choices[0].finish_reason == "stop"
    assert second.choices[0].message.tool_calls is None
    sent = fake_server.requests[1].body
    assert sent["tools"] == TOOLS
    assert sent["messages"][-1] == tool_message
    assert sent["messages"][1]["role"] == "assistant"
    assert sent["messages"][1]["tool_calls"][0]["id"] == "call_1"
    assert sent["messages"][1]["tool_calls"][0]["function"]["name"] == "search_catalog"
    assert fake_server.count(CHAT) == 2


def test_malformed_arguments_arrive_verbatim(hub: LLMHub, fake_server: FakeOpenAIServer) -> None:
    broken = '{"query": "chat", "limit": '
    fake_server.enqueue(ScriptedResponse(tool_calls=[ScriptedToolCall("search_catalog", broken)]))

    call = only_call(hub.completion(role="agent", messages=QUESTION, tools=TOOLS))

    assert call.function.arguments == broken
    with pytest.raises(json.JSONDecodeError):
        json.loads(call.function.arguments)


def test_scripted_usage_appears_in_the_response(hub: LLMHub, fake_server: FakeOpenAIServer) -> None:
    fake_server.enqueue(
        ScriptedResponse(tool_calls=[ScriptedToolCall("search_catalog", {"query": "x"})], usage=(1234, 56)),
        ScriptedResponse(content="done", usage=(7, 0)),
    )

    with_calls = hub.completion(role="agent", messages=QUESTION, tools=TOOLS)
    plain = hub.completion(role="agent", messages=QUESTION)

    assert with_calls.usage is not None
    assert (with_calls.usage.prompt_tokens, with_calls.usage.completion_tokens) == (1234, 56)
    assert with_calls.usage.total_tokens == 1290
    assert plain.usage is not None
    assert (plain.usage.prompt_tokens, plain.usage.completion_tokens, plain.usage.total_tokens) == (7, 0, 7)


def test_default_usage_counts_words_and_tool_calls(hub: LLMHub, fake_server: FakeOpenAIServer) -> None:
    fake_server.enqueue(ScriptedResponse(tool_calls=[ScriptedToolCall("search_catalog", {"query": "x"})]))

    response = hub.completion(role="agent", messages=QUESTION, tools=TOOLS)

    assert response.usage is not None
    assert response.usage.prompt_tokens == 6  # the words of QUESTION, as for plain replies
    assert response.usage.completion_tokens == 3  # `search_catalog {"query": "x"}`


def test_per_model_scripts_still_route_by_model(hub: LLMHub, fake_server: FakeOpenAIServer) -> None:
    fake_server.enqueue(
        ScriptedResponse(tool_calls=[ScriptedToolCall("search_catalog", {"query": "agent"})]), model="agent-model"
    )
    fake_server.enqueue("helper says hi", model="helper-model")

    helper = hub.completion(role="helper", messages=QUESTION, tools=TOOLS)
    agent = hub.completion(role="agent", messages=QUESTION, tools=TOOLS)
    agent_again = hub.completion(role="agent", messages=QUESTION, tools=TOOLS)

    assert helper.choices[0].message.content == "helper says hi"
    assert helper.choices[0].message.tool_calls is None
    assert only_call(agent).function.name == "search_catalog"
    assert agent_again.choices[0].finish_reason == "stop"  # the script was used up: the default echo reply
    assert agent_again.choices[0].message.content == "[agent-model] which model is cheapest for chat?"
    assert [request.model for request in fake_server.requests] == ["helper-model", "agent-model", "agent-model"]


def test_ids_number_in_enqueue_order_keep_explicit_ids_and_restart_after_reset(
    hub: LLMHub, fake_server: FakeOpenAIServer
) -> None:
    fake_server.enqueue(
        ScriptedResponse(
            content="Looking both up.",
            tool_calls=[
                ScriptedToolCall("search_catalog", {"query": "a"}),
                ScriptedToolCall("search_catalog", {"query": "b"}, id="call_mine"),
                ScriptedToolCall("get_model", "{}"),
            ],
        ),
        ScriptedResponse(tool_calls=[ScriptedToolCall("get_model", {})]),
    )

    first = hub.completion(role="agent", messages=QUESTION, tools=TOOLS)
    second = hub.completion(role="agent", messages=QUESTION, tools=TOOLS)
    fake_server.reset()
    fake_server.enqueue(ScriptedResponse(tool_calls=[ScriptedToolCall("get_model", {})]))
    after_reset = hub.completion(role="agent", messages=QUESTION, tools=TOOLS)

    assert first.choices[0].message.content == "Looking both up."
    assert first.choices[0].finish_reason == "tool_calls"
    assert [call.id for call in first.choices[0].message.tool_calls or []] == ["call_1", "call_mine", "call_2"]
    assert only_call(second).id == "call_3"
    assert only_call(after_reset).id == "call_1"


def test_a_streamed_request_meeting_a_tool_call_script_fails_clearly(
    hub: LLMHub, fake_server: FakeOpenAIServer
) -> None:
    fake_server.enqueue(ScriptedResponse(tool_calls=[ScriptedToolCall("search_catalog", {"query": "x"})]))

    with pytest.raises(BadRequestError, match="does not stream tool calls"):
        list(hub.completion(role="agent", messages=QUESTION, tools=TOOLS, stream=True))

    assert fake_server.count(CHAT) == 1  # a 400: not retried
    chunks = hub.completion(role="agent", messages=QUESTION, stream=True)  # plain streams are unaffected
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices).startswith("[agent-model]")
