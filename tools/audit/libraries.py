"""What llmwright knows about LLM client libraries: constructors, call methods, endpoints.

Data, not logic: adding a library means adding rows here. Names are fully qualified as
they are imported (`openai.OpenAI`), matched after resolving the module's import aliases.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClientKind:
    library: str
    provider: str
    is_async: bool
    timeout_kwargs: tuple[str, ...] = ("timeout",)
    retry_kwargs: tuple[str, ...] = ("max_retries",)
    chat_object: bool = False  # LangChain/LlamaIndex: the constructor holds model and limits


def _kinds(names: dict[str, tuple[str, str, bool]], **extra: object) -> dict[str, ClientKind]:
    return {qual: ClientKind(lib, prov, is_async, **extra) for qual, (lib, prov, is_async) in names.items()}  # type: ignore[arg-type]


CONSTRUCTORS: dict[str, ClientKind] = {
    **_kinds(
        {
            "openai.OpenAI": ("openai", "openai", False),
            "openai.AsyncOpenAI": ("openai", "openai", True),
            "openai.AzureOpenAI": ("openai", "azure", False),
            "openai.AsyncAzureOpenAI": ("openai", "azure", True),
            "anthropic.Anthropic": ("anthropic", "anthropic", False),
            "anthropic.AsyncAnthropic": ("anthropic", "anthropic", True),
            "anthropic.AnthropicBedrock": ("anthropic", "anthropic", False),
            "anthropic.AsyncAnthropicBedrock": ("anthropic", "anthropic", True),
            "anthropic.AnthropicVertex": ("anthropic", "anthropic", False),
            "groq.Groq": ("groq", "groq", False),
            "groq.AsyncGroq": ("groq", "groq", True),
            "cohere.Client": ("cohere", "cohere", False),
            "cohere.ClientV2": ("cohere", "cohere", False),
            "cohere.AsyncClient": ("cohere", "cohere", True),
            "cohere.AsyncClientV2": ("cohere", "cohere", True),
            "ollama.Client": ("ollama", "ollama", False),
            "ollama.AsyncClient": ("ollama", "ollama", True),
        }
    ),
    "mistralai.Mistral": ClientKind("mistralai", "mistral", False, ("timeout_ms",), ("retry_config",)),
    "google.genai.Client": ClientKind("google-genai", "google", False, ("http_options",), ("http_options",)),
    "google.generativeai.GenerativeModel": ClientKind("google-generativeai", "google", False, ("request_options",), ()),
    **_kinds(
        {
            "langchain_openai.ChatOpenAI": ("langchain", "openai", False),
            "langchain_openai.AzureChatOpenAI": ("langchain", "azure", False),
            "langchain_anthropic.ChatAnthropic": ("langchain", "anthropic", False),
            "langchain_groq.ChatGroq": ("langchain", "groq", False),
            "langchain_mistralai.ChatMistralAI": ("langchain", "mistral", False),
            "langchain_google_genai.ChatGoogleGenerativeAI": ("langchain", "google", False),
            "langchain_ollama.ChatOllama": ("langchain", "ollama", False),
            "llama_index.llms.openai.OpenAI": ("llama_index", "openai", False),
            "llama_index.llms.anthropic.Anthropic": ("llama_index", "anthropic", False),
        },
        timeout_kwargs=("timeout", "request_timeout", "default_request_timeout"),
        chat_object=True,
    ),
}

# Methods (the attribute path after the client) that call a model; value: kind of call.
CLIENT_METHODS: dict[str, str] = {
    "chat.completions.create": "chat",
    "chat.completions.parse": "chat",
    "chat.completions.stream": "stream",
    "beta.chat.completions.parse": "chat",
    "beta.chat.completions.stream": "stream",
    "completions.create": "chat",
    "responses.create": "chat",
    "responses.parse": "chat",
    "responses.stream": "stream",
    "messages.create": "chat",
    "messages.stream": "stream",
    "beta.messages.create": "chat",
    "chat.complete": "chat",
    "chat.complete_async": "chat",
    "chat.stream": "stream",
    "chat.stream_async": "stream",
    "models.generate_content": "chat",
    "models.generate_content_stream": "stream",
    "aio.models.generate_content": "chat",
    "generate_content": "chat",
    "generate_content_async": "chat",
    "chat": "chat",
    "chat_stream": "stream",
    "generate": "chat",
    "invoke": "chat",
    "ainvoke": "chat",
    "batch": "chat",
    "abatch": "chat",
    "stream": "stream",
    "astream": "stream",
    "complete": "chat",
    "acomplete": "chat",
    "stream_complete": "stream",
    "embeddings.create": "embed",
    "embed": "embed",
}
# Method paths distinctive enough to identify a client imported from another module of the project.
IMPORTED_CLIENT_METHODS: dict[str, tuple[str, str]] = {
    "chat.completions.create": ("openai", "openai"),
    "chat.completions.parse": ("openai", "openai"),
    "beta.chat.completions.parse": ("openai", "openai"),
    "responses.create": ("openai", "openai"),
    "responses.parse": ("openai", "openai"),
    "messages.create": ("anthropic", "anthropic"),
    "messages.stream": ("anthropic", "anthropic"),
    "models.generate_content": ("google-genai", "google"),
}
ASYNC_METHODS = frozenset({"ainvoke", "abatch", "astream", "acomplete", "chat.complete_async", "chat.stream_async"})

# Module-level functions that call a model: qualified name → (library, provider, async, kind).
FUNCTIONS: dict[str, tuple[str, str | None, bool, str]] = {
    "litellm.completion": ("litellm", None, False, "chat"),
    "litellm.acompletion": ("litellm", None, True, "chat"),
    "litellm.text_completion": ("litellm", None, False, "chat"),
    "litellm.embedding": ("litellm", None, False, "embed"),
    "ollama.chat": ("ollama", "ollama", False, "chat"),
    "ollama.generate": ("ollama", "ollama", False, "chat"),
    "openai.ChatCompletion.create": ("openai", "openai", False, "chat"),
    "openai.ChatCompletion.acreate": ("openai", "openai", True, "chat"),
    "openai.Completion.create": ("openai", "openai", False, "chat"),
}

ENDPOINTS: dict[str, str] = {
    "api.openai.com": "openai",
    "api.anthropic.com": "anthropic",
    "api.groq.com": "groq",
    "api.mistral.ai": "mistral",
    "generativelanguage.googleapis.com": "google",
    "api.cohere.ai": "cohere",
    "api.cohere.com": "cohere",
    "openrouter.ai/api": "openrouter",
    "api.fireworks.ai": "fireworks",
    "api.together.xyz": "together",
    "api.deepseek.com": "deepseek",
    ":11434/api": "ollama",
}
HTTP_POSTS = {
    "requests.post": ("requests", False),
    "requests.request": ("requests", False),
    "httpx.post": ("httpx", False),
    "httpx.request": ("httpx", False),
}
HTTP_SESSION_CONSTRUCTORS = {
    "requests.Session": ("requests", False),
    "httpx.Client": ("httpx", False),
    "httpx.AsyncClient": ("httpx", True),
    "aiohttp.ClientSession": ("aiohttp", True),
}

BREAKER_MODULES = ("pybreaker", "circuitbreaker", "aiobreaker", "purgatory", "breaker")
LIMITER_NAMES = ("Semaphore", "BoundedSemaphore", "CapacityLimiter", "AsyncLimiter", "Limiter", "RateLimiter")
RETRY_DECORATORS = ("retry", "on_exception", "on_predicate", "retry_context", "stamina.retry", "backoff")
ROUTE_DECORATORS = frozenset({"get", "post", "put", "patch", "delete", "route", "websocket", "api_route", "task"})
