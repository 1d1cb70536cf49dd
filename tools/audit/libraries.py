"""What llmwright knows about LLM client libraries: constructors, call methods, endpoints.

Data, not logic: adding a library means adding rows here. Names are fully qualified as
they are imported (`openai.OpenAI`), matched after resolving the module's import aliases.
Families of framework classes (every `langchain_*.Chat*`, every `llama_index.llms.*`) are
matched by pattern, so a new integration package needs no row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ClientKind:
    library: str
    provider: str | None
    is_async: bool
    timeout_kwargs: tuple[str, ...] = ("timeout",)
    retry_kwargs: tuple[str, ...] = ("max_retries",)
    chat_object: bool = False  # LangChain/LlamaIndex: the constructor holds model and limits
    default_timeout: bool = False  # the library has a short default deadline of its own
    methods: str = "sdk"  # which method table applies: sdk, framework, bedrock, session, qianfan, ...
    embedding: bool = False


def _kinds(names: dict[str, tuple[str, str | None, bool]], **extra: object) -> dict[str, ClientKind]:
    return {qual: ClientKind(lib, prov, is_async, **extra) for qual, (lib, prov, is_async) in names.items()}  # type: ignore[arg-type]


CONSTRUCTORS: dict[str, ClientKind] = {
    **_kinds(
        {
            "openai.OpenAI": ("openai", "openai", False),
            "openai.Client": ("openai", "openai", False),
            "openai.AsyncOpenAI": ("openai", "openai", True),
            "openai.AsyncClient": ("openai", "openai", True),
            "openai.AzureOpenAI": ("openai", "azure", False),
            "openai.AsyncAzureOpenAI": ("openai", "azure", True),
            "anthropic.Anthropic": ("anthropic", "anthropic", False),
            "anthropic.Client": ("anthropic", "anthropic", False),
            "anthropic.AsyncAnthropic": ("anthropic", "anthropic", True),
            "anthropic.AsyncClient": ("anthropic", "anthropic", True),
            "anthropic.AnthropicBedrock": ("anthropic", "anthropic", False),
            "anthropic.AsyncAnthropicBedrock": ("anthropic", "anthropic", True),
            "anthropic.AnthropicVertex": ("anthropic", "anthropic", False),
            "anthropic.AsyncAnthropicVertex": ("anthropic", "anthropic", True),
            "groq.Groq": ("groq", "groq", False),
            "groq.AsyncGroq": ("groq", "groq", True),
            "cohere.Client": ("cohere", "cohere", False),
            "cohere.ClientV2": ("cohere", "cohere", False),
            "cohere.AsyncClient": ("cohere", "cohere", True),
            "cohere.AsyncClientV2": ("cohere", "cohere", True),
            "ollama.Client": ("ollama", "ollama", False),
            "ollama.AsyncClient": ("ollama", "ollama", True),
            "together.Together": ("together", "together", False),
            "together.AsyncTogether": ("together", "together", True),
            "zhipuai.ZhipuAI": ("zhipuai", "zhipu", False),
            "zai.ZhipuAiClient": ("zhipuai", "zhipu", False),
            "zai.ZaiClient": ("zhipuai", "zhipu", False),
            "fireworks.client.Fireworks": ("fireworks", "fireworks", False),
            "huggingface_hub.InferenceClient": ("huggingface", "huggingface", False),
            "huggingface_hub.AsyncInferenceClient": ("huggingface", "huggingface", True),
        }
    ),
    "mistralai.Mistral": ClientKind("mistralai", "mistral", False, ("timeout_ms",), ("retry_config", "retries")),
    "mistralai.client.MistralClient": ClientKind("mistralai", "mistral", False),
    "mistralai.async_client.MistralAsyncClient": ClientKind("mistralai", "mistral", True),
    "google.genai.Client": ClientKind("google-genai", "google", False, ("http_options",), ("http_options",)),
    "google.generativeai.GenerativeModel": ClientKind(
        "google-generativeai", "google", False, ("request_options",), ("request_options",)
    ),
    "vertexai.generative_models.GenerativeModel": ClientKind("vertexai", "google", False, ("timeout",), ()),
    "vertexai.preview.generative_models.GenerativeModel": ClientKind("vertexai", "google", False, ("timeout",), ()),
    "vertexai.language_models.TextEmbeddingModel.from_pretrained": ClientKind(
        "vertexai", "google", False, default_timeout=True, embedding=True
    ),
    "qianfan.ChatCompletion": ClientKind(
        "qianfan", "baidu", False, ("request_timeout",), ("retry_count",), methods="qianfan"
    ),
    "qianfan.Embedding": ClientKind(
        "qianfan", "baidu", False, ("request_timeout",), ("retry_count",), methods="qianfan", embedding=True
    ),
    "litellm.Router": ClientKind("litellm", None, False, ("timeout",), ("num_retries",), methods="litellm_router"),
    "xinference_client.client.restful.restful_client.Client": ClientKind(
        "xinference", "xinference", False, methods="xinference"
    ),
    "xinference.client.Client": ClientKind("xinference", "xinference", False, methods="xinference"),
}

# boto3.client("bedrock-runtime"): botocore has a 60 s read timeout and retries by default.
BOTO3_CLIENTS = {"boto3.client", "boto3.session.Session.client"}
BEDROCK_RUNTIME = ClientKind(
    "boto3", "bedrock", False, ("config",), ("config",), default_timeout=True, methods="bedrock"
)

# LangChain and LlamaIndex: every chat model / LLM / embeddings class, matched by pattern.
FRAMEWORK_PATTERNS: tuple[tuple[re.Pattern[str], bool], ...] = (
    (re.compile(r"^langchain[a-z_]*(\.[a-z_0-9]+)*\.(Chat[A-Za-z0-9]+|AzureChatOpenAI)$"), False),
    (
        re.compile(
            r"^langchain[a-z_]*(\.[a-z_0-9]+)*\.(OpenAI|AzureOpenAI|Ollama|OllamaLLM|Anthropic|Cohere|VertexAI)$"
        ),
        False,
    ),
    (re.compile(r"^langchain[a-z_]*(\.[a-z_0-9]+)*\.[A-Za-z0-9]*Embeddings$"), True),
    (re.compile(r"^llama_index\.llms\.[a-z_0-9.]+\.[A-Z][A-Za-z0-9]*$"), False),
    (re.compile(r"^llama_index\.embeddings\.[a-z_0-9.]+\.[A-Z][A-Za-z0-9]*$"), True),
)
FRAMEWORK_FACTORIES = {"langchain.chat_models.init_chat_model", "langchain.chat_models.base.init_chat_model"}
FRAMEWORK_TIMEOUTS = ("timeout", "request_timeout", "default_request_timeout", "timeout_s")
FRAMEWORK_RETRIES = ("max_retries",)
LANGCHAIN_MODULES = ("langchain", "langchain_core", "langchain_community", "langgraph", "llama_index")


NOT_MODELS = re.compile(
    r"\.(messages|prompts|prompt_values|schema|outputs|memory|callbacks|chat_history|chat_message_histories"
    r"|agents|tools|runnables|documents|output_parsers|types|base\.llms\.types)(\.|$)"
    r"|(Message|MessageChunk|Template|History|Result|Generation|GenerationChunk|Value|Session|Loader|Tool|Agent|Engine)$"
)


# Framework classes that run a model in-process (no network call, nothing to time out).
LOCAL_MODELS = re.compile(
    r"\.(HuggingFace(Bge|Instruct)?Embeddings|SentenceTransformerEmbeddings|FastEmbedEmbeddings|LlamaCpp(Embeddings)?"
    r"|GPT4All(Embeddings)?|HuggingFacePipeline|CTransformers|Fake[A-Za-z]*|HuggingFaceEmbedding|LlamaCPP)$"
)


def framework_kind(qual: str) -> ClientKind | None:
    """A LangChain / LlamaIndex model class (or `init_chat_model`) by qualified name."""
    if qual in FRAMEWORK_FACTORIES:
        return ClientKind("langchain", None, False, FRAMEWORK_TIMEOUTS, FRAMEWORK_RETRIES, True, methods="framework")
    if not qual.startswith(("langchain", "llama_index")) or NOT_MODELS.search(qual) or LOCAL_MODELS.search(qual):
        return None
    for pattern, embedding in FRAMEWORK_PATTERNS:
        if pattern.match(qual):
            library = "llama_index" if qual.startswith("llama_index") else "langchain"
            name = qual.rpartition(".")[2].lower()
            provider = next((p for hint, p in PROVIDER_HINTS if hint in name), None)
            return ClientKind(
                library,
                provider,
                False,
                FRAMEWORK_TIMEOUTS,
                FRAMEWORK_RETRIES,
                chat_object=not embedding,
                methods="framework",
                embedding=embedding,
            )
    return None


PROVIDER_HINTS = (
    ("azure", "azure"),
    ("openai", "openai"),
    ("anthropic", "anthropic"),
    ("bedrock", "bedrock"),
    ("groq", "groq"),
    ("mistral", "mistral"),
    ("google", "google"),
    ("gemini", "google"),
    ("vertex", "google"),
    ("ollama", "ollama"),
    ("cohere", "cohere"),
)

# SDK methods (the attribute path after the client) that call a model; value: kind of call.
SDK_METHODS: dict[str, str] = {
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
    "messages.count_tokens": "",
    "beta.messages.create": "chat",
    "beta.messages.stream": "stream",
    "beta.messages.parse": "chat",
    "embeddings.create": "embed",
    "images.generate": "image",
    "images.edit": "image",
    "images.create_variation": "image",
    "images.generations": "image",
    "audio.speech.create": "audio",
    "audio.transcriptions.create": "audio",
    "audio.translations.create": "audio",
    "moderations.create": "moderation",
    # mistralai
    "chat.complete": "chat",
    "chat.complete_async": "chat",
    "chat.stream": "stream",
    "chat.stream_async": "stream",
    "embeddings.create_async": "embed",
    "chat_stream": "stream",
    # google-genai / google-generativeai / vertexai
    "models.generate_content": "chat",
    "models.generate_content_stream": "stream",
    "models.embed_content": "embed",
    "models.generate_images": "image",
    "aio.models.generate_content": "chat",
    "aio.models.generate_content_stream": "stream",
    "aio.models.embed_content": "embed",
    "generate_content": "chat",
    "generate_content_async": "chat",
    "get_embeddings": "embed",
    # ollama / cohere
    "chat": "chat",
    "generate": "chat",
    "embed": "embed",
    "embeddings": "embed",
    "rerank": "",
    # huggingface_hub
    "chat_completion": "chat",
    "text_generation": "chat",
    "feature_extraction": "embed",
}
FRAMEWORK_METHODS: dict[str, str] = {
    "invoke": "chat",
    "ainvoke": "chat",
    "batch": "chat",
    "abatch": "chat",
    "stream": "stream",
    "astream": "stream",
    "astream_events": "stream",
    "predict": "chat",
    "apredict": "chat",
    "predict_messages": "chat",
    "generate": "chat",
    "agenerate": "chat",
    "complete": "chat",
    "acomplete": "chat",
    "chat": "chat",
    "achat": "chat",
    "stream_complete": "stream",
    "stream_chat": "stream",
    "astream_chat": "stream",
    "astream_complete": "stream",
    "embed_query": "embed",
    "aembed_query": "embed",
    "embed_documents": "embed",
    "aembed_documents": "embed",
    "get_text_embedding": "embed",
    "get_query_embedding": "embed",
    "get_text_embedding_batch": "embed",
    "__call__": "chat",
}
# Methods that return a new model object wrapping the same client (LangChain runnables,
# SDK option overrides, chat sessions): invoking the result is a call site.
DERIVING_METHODS = frozenset(
    {
        "with_options",
        "with_raw_response",
        "with_streaming_response",
        "bind",
        "bind_tools",
        "with_structured_output",
        "with_retry",
        "with_fallbacks",
        "with_config",
        "configurable_fields",
        "configurable_alternatives",
        "chats.create",
        "aio.chats.create",
        "start_chat",
        "get_model",
    }
)
SESSION_METHODS = {"send_message": "chat", "send_message_stream": "stream", "send_message_async": "chat"}
BEDROCK_METHODS = {
    "converse": "chat",
    "converse_stream": "stream",
    "invoke_model": "chat",
    "invoke_model_with_response_stream": "stream",
}
METHOD_TABLES: dict[str, dict[str, str]] = {
    "sdk": SDK_METHODS,
    "framework": FRAMEWORK_METHODS,
    "bedrock": BEDROCK_METHODS,
    "qianfan": {"do": "chat", "ado": "chat"},
    "litellm_router": {"completion": "chat", "acompletion": "chat", "embedding": "embed", "aembedding": "embed"},
    "xinference": {"chat": "chat", "generate": "chat", "create_embedding": "embed"},
    "session": SESSION_METHODS,
}

# Method chains distinctive enough to be LLM calls whatever the receiver is (a client
# built in another module, passed in, or stored on an object we cannot follow).
SHAPE_METHODS: dict[str, str] = {
    name: kind
    for name, kind in SDK_METHODS.items()
    if "." in name and kind and name not in ("chat.complete", "chat.stream", "images.generations")
}
SHAPE_METHODS.update(
    {
        "converse": "chat",
        "converse_stream": "stream",
        "invoke_model_with_response_stream": "stream",
        "generate_content": "chat",
        "generate_content_async": "chat",
    }
)
# `messages.create` is also Twilio's SMS API: shape-only matches need LLM-looking keywords.
AMBIGUOUS_SHAPES = {"messages.create": ("model", "max_tokens", "system"), "completions.create": ("model",)}
ASYNC_METHODS = frozenset(
    {
        "ainvoke",
        "abatch",
        "astream",
        "astream_events",
        "apredict",
        "agenerate",
        "acomplete",
        "achat",
        "astream_chat",
        "astream_complete",
        "aembed_query",
        "aembed_documents",
        "chat.complete_async",
        "chat.stream_async",
        "embeddings.create_async",
        "generate_content_async",
        "send_message_async",
        "ado",
        "acompletion",
        "aembedding",
    }
)

# Module-level functions that call a model: qualified name → (library, provider, async, kind).
FUNCTIONS: dict[str, tuple[str, str | None, bool, str]] = {
    "litellm.completion": ("litellm", None, False, "chat"),
    "litellm.acompletion": ("litellm", None, True, "chat"),
    "litellm.text_completion": ("litellm", None, False, "chat"),
    "litellm.atext_completion": ("litellm", None, True, "chat"),
    "litellm.responses": ("litellm", None, False, "chat"),
    "litellm.embedding": ("litellm", None, False, "embed"),
    "litellm.aembedding": ("litellm", None, True, "embed"),
    "litellm.image_generation": ("litellm", None, False, "image"),
    "litellm.transcription": ("litellm", None, False, "audio"),
    "litellm.speech": ("litellm", None, False, "audio"),
    "ollama.chat": ("ollama", "ollama", False, "chat"),
    "ollama.generate": ("ollama", "ollama", False, "chat"),
    "ollama.embed": ("ollama", "ollama", False, "embed"),
    "ollama.embeddings": ("ollama", "ollama", False, "embed"),
    "openai.ChatCompletion.create": ("openai", "openai", False, "chat"),
    "openai.ChatCompletion.acreate": ("openai", "openai", True, "chat"),
    "openai.Completion.create": ("openai", "openai", False, "chat"),
    "openai.Completion.acreate": ("openai", "openai", True, "chat"),
    "openai.Embedding.create": ("openai", "openai", False, "embed"),
    "openai.Embedding.acreate": ("openai", "openai", True, "embed"),
    "openai.Image.create": ("openai", "openai", False, "image"),
    "openai.Moderation.create": ("openai", "openai", False, "moderation"),
    "openai.Audio.transcribe": ("openai", "openai", False, "audio"),
    "google.generativeai.embed_content": ("google-generativeai", "google", False, "embed"),
    "google.generativeai.generate_text": ("google-generativeai", "google", False, "chat"),
    "dashscope.Generation.call": ("dashscope", "alibaba", False, "chat"),
    "dashscope.MultiModalConversation.call": ("dashscope", "alibaba", False, "chat"),
    "dashscope.TextEmbedding.call": ("dashscope", "alibaba", False, "embed"),
    "dashscope.ImageSynthesis.call": ("dashscope", "alibaba", False, "image"),
    "replicate.run": ("replicate", "replicate", False, "chat"),
}
# Module-level names that `FUNCTIONS` holders may be bound to (`self.client = dashscope.Generation`).
FUNCTION_HOLDERS = frozenset(name.rpartition(".")[0] for name in FUNCTIONS if name.count(".") >= 2)

# Hosts and URL paths that identify an LLM or embedding endpoint in a raw HTTP call.
ENDPOINTS: dict[str, str] = {
    "api.openai.com": "openai",
    "openai.azure.com": "azure",
    "api.anthropic.com": "anthropic",
    "api.groq.com": "groq",
    "api.mistral.ai": "mistral",
    "generativelanguage.googleapis.com": "google",
    "aiplatform.googleapis.com": "google",
    "api.cohere.ai": "cohere",
    "api.cohere.com": "cohere",
    "openrouter.ai/api": "openrouter",
    "api.fireworks.ai": "fireworks",
    "api.together.xyz": "together",
    "api.together.ai": "together",
    "api.deepseek.com": "deepseek",
    "api.x.ai": "xai",
    "api.perplexity.ai": "perplexity",
    "api.replicate.com": "replicate",
    "api-inference.huggingface.co": "huggingface",
    "router.huggingface.co": "huggingface",
    "dashscope.aliyuncs.com": "alibaba",
    "aip.baidubce.com/rpc/2.0/ai_custom": "baidu",
    "qianfan.baidubce.com": "baidu",
    "api.moonshot.cn": "moonshot",
    "open.bigmodel.cn": "zhipu",
    "ark.cn-beijing.volces.com": "doubao",
    "api.minimax": "minimax",
    ":11434": "ollama",
}
ENDPOINT_PATHS: tuple[tuple[str, str], ...] = (
    ("/chat/completions", "chat"),
    ("/v1/completions", "chat"),
    ("/v1/messages", "chat"),
    ("/v1/responses", "chat"),
    (":generateContent", "chat"),
    (":streamGenerateContent", "stream"),
    (":embedContent", "embed"),
    (":batchEmbedContents", "embed"),
    ("/embeddings", "embed"),
    ("/api/embed", "embed"),
    ("/images/generations", "image"),
    ("/audio/transcriptions", "audio"),
    ("/audio/speech", "audio"),
    ("/wenxinworkshop/chat", "chat"),
    ("/predictions", "chat"),
)
# Names of variables or attributes that hold an LLM endpoint URL (`self.inference_endpoint`).
URL_NAME_HINT = re.compile(
    r"(inference_(endpoint|url)|llm_(url|endpoint|api)|(chat|completions?|generate|embeddings?)_(url|endpoint))$",
    re.IGNORECASE,
)
# Request bodies shaped like an LLM API call: these key sets identify one on their own.
LLM_BODY_KEYS: tuple[frozenset[str], ...] = (
    frozenset({"model", "messages"}),
    frozenset({"model", "prompt"}),
    frozenset({"contents"}),
    frozenset({"model", "input", "max_output_tokens"}),
)
HTTP_FUNCTIONS = {
    "requests.post": ("requests", False),
    "requests.request": ("requests", False),
    "requests.api.post": ("requests", False),
    "httpx.post": ("httpx", False),
    "httpx.request": ("httpx", False),
    "httpx.stream": ("httpx", False),
}
HTTP_SESSION_CONSTRUCTORS = {
    "requests.Session": ("requests", False),
    "requests.session": ("requests", False),
    "requests.sessions.Session": ("requests", False),
    "httpx.Client": ("httpx", False),
    "httpx.AsyncClient": ("httpx", True),
    "aiohttp.ClientSession": ("aiohttp", True),
}
HTTP_SESSION_METHODS = frozenset({"post", "request", "stream"})
RAW_HTTP_WITHOUT_DEFAULT = ("requests", "aiohttp")  # httpx defaults to 5 s; requests and aiohttp wait long

BREAKER_MODULES = ("pybreaker", "circuitbreaker", "aiobreaker", "purgatory", "breaker")
LIMITER_NAMES = ("Semaphore", "BoundedSemaphore", "CapacityLimiter", "AsyncLimiter", "Limiter", "RateLimiter")
RETRY_MODULES = ("tenacity", "backoff", "stamina", "retry", "retrying", "retry_async", "aioretry")
RETRY_DECORATORS = frozenset({"retry", "on_exception", "on_predicate", "retry_context", "retrying", "async_retry"})
ROUTE_DECORATORS = frozenset({"get", "post", "put", "patch", "delete", "route", "websocket", "api_route", "task"})
# Wrappers that put a deadline on whatever runs inside them.
TIMEOUT_WRAPPERS = frozenset(
    {
        "asyncio.wait_for",
        "asyncio.timeout",
        "asyncio.timeout_at",
        "anyio.fail_after",
        "anyio.move_on_after",
        "trio.fail_after",
        "async_timeout.timeout",
        "timeout_decorator.timeout",
        "func_timeout.func_timeout",
    }
)
# Ways to call a function elsewhere: RUNS_NOW call their first argument right away (in a
# thread); WRAPS return a callable that calls it later (`sync_to_async(f)(...)`, partial).
RUNS_NOW = frozenset(
    {"asyncio.to_thread", "anyio.to_thread.run_sync", "starlette.concurrency.run_in_threadpool", "run_in_threadpool"}
)
WRAPS = frozenset({"sync_to_async", "asgiref.sync.sync_to_async", "functools.partial", "partial"})
CALL_THROUGH = RUNS_NOW | WRAPS
OBSERVABILITY_MODULES = (
    "langfuse",
    "langsmith",
    "helicone",
    "opentelemetry",
    "openlit",
    "openllmetry",
    "traceloop",
    "logfire",
    "weave",
    "agentops",
    "mlflow",
    "phoenix",
    "arize",
    "braintrust",
    "promptlayer",
    "sentry_sdk",
)
LLM_IMPORTS = (
    "openai",
    "anthropic",
    "litellm",
    "langchain",
    "langchain_core",
    "langchain_community",
    "langchain_openai",
    "langchain_anthropic",
    "llama_index",
    "google.genai",
    "google.generativeai",
    "vertexai",
    "mistralai",
    "groq",
    "cohere",
    "ollama",
    "together",
    "zhipuai",
    "zai",
    "dashscope",
    "qianfan",
    "huggingface_hub",
    "replicate",
    "boto3",
    "xinference_client",
    "fireworks",
)


@dataclass(frozen=True)
class Endpoint:
    provider: str | None
    kind: str


def endpoint_of(url: str) -> Endpoint | None:
    """The provider and kind of call a URL (or the constant parts of one) points at."""
    provider = next((p for host, p in ENDPOINTS.items() if host in url), None)
    kind = next((k for suffix, k in ENDPOINT_PATHS if suffix in url), None)
    if kind == "chat" and "/predictions" in url and provider != "replicate":
        kind = None
    if kind is None and provider == "ollama" and ("/api/chat" in url or "/api/generate" in url or "/api/embed" in url):
        kind = "chat"
    if provider is None and kind is None:
        return None
    return Endpoint(provider, kind or "http")
