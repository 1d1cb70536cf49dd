""" "What will this prompt cost on these models, and does it fit?" in one call.

The CLI's `estimate`, and the MCP tools `estimate_tokens` and `estimate_cost`, are thin
wrappers over `estimate`; its JSON form is the documented `--format json` output.
Embedding models (`embedding_models`) are priced on the same text for a RAG pipeline:
input tokens only, checked against their maximum input, with their vector size.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from .catalog import Catalog, ModelInfo, data_age, get_catalog
from .cost import Alternative, CheaperModels, CostEstimate, Workload, cheaper_alternatives, estimate_cost
from .errors import InvalidInput
from .tokens import (
    Conversation,
    Fit,
    TokenCount,
    check_fit,
    count_conversation,
    count_text,
    count_with_api,
    parse_conversation,
)

SCHEMA_VERSION = "1"
MAX_MODELS = 20


MAX_OUTPUT = 2_000_000


class EstimateRequest(BaseModel):
    models: list[str] = Field(default_factory=list, max_length=MAX_MODELS, description="provider:model references")
    embedding_models: list[str] = Field(
        default_factory=list, max_length=MAX_MODELS, description="embedding models to price on the same text (RAG)"
    )
    text: str | None = Field(None, description="plain prompt text")
    messages: Any = Field(None, description="chat messages: a list, or an OpenAI/Anthropic request object")
    input_tokens: int | None = Field(None, ge=1, le=100_000_000, description="a known input size instead of text")
    max_output: int = Field(1024, ge=1, le=MAX_OUTPUT, description="requested max output tokens (fit check)")
    expected_output: int | None = Field(
        None, ge=0, le=MAX_OUTPUT, description="output tokens billed per call; default max_output"
    )
    reasoning_tokens: int = Field(0, ge=0, le=MAX_OUTPUT)
    requests_per_day: float | None = Field(None, ge=0, le=10**10)
    cache_hit: float = Field(0.0, ge=0.0, le=1.0)
    batch: bool = False
    exact: bool = Field(False, description="count Claude tokens with Anthropic's API (needs ANTHROPIC_API_KEY)")
    alternatives: int = Field(
        3, ge=0, le=20, description="how many cheaper alternatives (and step-down models) to list per model"
    )
    at: datetime | None = Field(None, description="price at this moment (default now)")

    @model_validator(mode="after")
    def _one_input(self) -> EstimateRequest:
        if not self.models and not self.embedding_models:
            raise ValueError("give at least one model (models, or embedding_models for embedding models)")
        if len(self.models) + len(self.embedding_models) > MAX_MODELS:
            raise ValueError(f"give at most {MAX_MODELS} models in all")
        given = [self.text is not None, self.messages is not None, self.input_tokens is not None]
        if sum(given) != 1:
            raise ValueError("give exactly one of text, messages or input_tokens")
        if self.text is not None and not self.text.strip():
            raise ValueError("text is empty")
        return self


class ModelSummary(BaseModel):
    ref: str
    provider: str
    hosting: str
    kind: str = Field(description="chat or embedding")
    dimensions: int | None = Field(description="an embedding model's vector size")
    status: str
    retires_on: date | None
    replacement: str | None
    context_window: int | None
    max_output_tokens: int | None


class ModelEstimate(BaseModel):
    model: ModelSummary
    tokens: TokenCount
    cost: CostEstimate
    fit: Fit
    alternatives: list[Alternative] = Field(
        default_factory=list, description="cheaper models of the same or a higher tier with every capability"
    )
    step_down: list[Alternative] = Field(
        default_factory=list, description="cheaper models of a lower tier, each labelled with what it gives up"
    )
    alternatives_note: str = Field("", description="why a list is empty, when it is")
    warnings: list[str] = Field(default_factory=list)


class EstimateReport(BaseModel):
    schema_version: Literal["1"] = SCHEMA_VERSION
    data_version: str = Field(description="which data the prices rest on, starting with its date")
    data_date: date = Field(description="the older of the prices and the model table in use")
    data_notice: str | None = Field(None, description="set when the data is over 60 days old: what to do")
    input_kind: Literal["text", "messages", "tokens"]
    results: list[ModelEstimate]


def _summary(model: ModelInfo) -> ModelSummary:
    return ModelSummary(**model.model_dump(include=set(ModelSummary.model_fields)))


def _warnings(model: ModelInfo) -> list[str]:
    return [model.notice] if model.notice else []


def _resolve(catalog: Catalog, refs: list[str], kind: str) -> list[ModelInfo]:
    """The models, each of the kind its list asks for (an embedding model is no chat model)."""
    models = [catalog.resolve(ref) for ref in refs]
    for model in models:
        if model.kind != kind and kind == "chat":
            raise InvalidInput(f"{model.ref} is an embedding model: price it with --embedding (embedding_models)")
        if model.kind != kind:
            raise InvalidInput(f"{model.ref} is not an embedding model; give it with --model (models)")
    return models


def count_tokens(request_input: str | Conversation | int, model: ModelInfo, exact: bool = False) -> TokenCount:
    if isinstance(request_input, int):
        return TokenCount(
            model=model.ref,
            tokens=request_input,
            method="given",
            tokenizer="none",
            low=request_input,
            high=request_input,
            note="input size given by the caller",
        )
    if isinstance(request_input, str):
        counted = count_text(request_input, model)
        conversation = None
    else:
        counted = count_conversation(request_input, model)
        conversation = request_input
    if exact and counted.method == "estimate" and model.provider == "anthropic":
        convo = conversation or parse_conversation([{"role": "user", "content": request_input}])
        tokens = count_with_api(convo, model)
        return counted.model_copy(
            update={
                "tokens": tokens,
                "method": "api",
                "tokenizer": "Anthropic count_tokens API",
                "error_band": 0.0,
                "low": tokens,
                "high": tokens,
                "breakdown": {"total": tokens},
                "note": "counted by the API",
            }
        )
    return counted


def estimate(request: EstimateRequest, catalog: Catalog | None = None) -> EstimateReport:
    catalog = catalog or get_catalog()
    models = _resolve(catalog, request.models, "chat")
    embedders = _resolve(catalog, request.embedding_models, "embedding")
    if embedders and request.messages is not None:
        raise InvalidInput("embedding models take text (or input_tokens), not chat messages")
    for model in models:
        if model.max_output_tokens and request.max_output > model.max_output_tokens:
            raise InvalidInput(
                f"max output {request.max_output:,} is over {model.ref}'s limit of {model.max_output_tokens:,} tokens"
            )
    source: str | Conversation | int
    if request.text is not None:
        source = request.text
    elif request.input_tokens is not None:
        source = request.input_tokens
    else:
        source = parse_conversation(request.messages)
    results = []
    for model in models:
        tokens = count_tokens(source, model, request.exact)
        workload = Workload(
            input_tokens=tokens.tokens,
            output_tokens=request.expected_output if request.expected_output is not None else request.max_output,
            reasoning_tokens=request.reasoning_tokens,
            requests_per_day=request.requests_per_day,
            cache_hit=request.cache_hit,
            batch=request.batch,
        )
        cost = estimate_cost(model, workload, request.at)
        cheaper = (
            cheaper_alternatives(catalog, model, workload, cost, limit=request.alternatives, at=request.at)
            if request.alternatives
            else CheaperModels()
        )
        results.append(
            ModelEstimate(
                model=_summary(model),
                tokens=tokens,
                cost=cost,
                fit=check_fit(model, tokens.tokens, request.max_output, catalog, tokens.error_band),
                alternatives=cheaper.alternatives,
                step_down=cheaper.step_down,
                alternatives_note=cheaper.note,
                warnings=_warnings(model),
            )
        )
    results += [_embedding(model, source, request) for model in embedders]
    age = data_age(catalog.day, catalog.data_date)
    return EstimateReport(
        data_version=catalog.data_version,
        data_date=age.data_date,
        data_notice=age.notice,
        input_kind="text" if request.text is not None else "tokens" if request.input_tokens else "messages",
        results=results,
    )


def _embedding(model: ModelInfo, source: str | Conversation | int, request: EstimateRequest) -> ModelEstimate:
    """An embedding model on the same text: input tokens only, against its maximum input."""
    tokens = count_tokens(source, model)
    workload = Workload(input_tokens=tokens.tokens, requests_per_day=request.requests_per_day, batch=request.batch)
    return ModelEstimate(
        model=_summary(model),
        tokens=tokens,
        cost=estimate_cost(model, workload, request.at),
        fit=check_fit(model, tokens.tokens, 0, None, tokens.error_band),
        warnings=_warnings(model),
    )
