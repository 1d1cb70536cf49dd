"""`call_llm`'s checks before anything is sent, with the catalog and the token counter.

A misspelled, unknown or retired hosted model costs a failed round trip per link (and a
model that then answers with "no such model" looks like an outage); a prompt over the
window is sent whole and refused, after its tokens were paid for on some providers. So each
model of the chain must be one the catalog knows and is not retired, and the prompt plus
`max_tokens` must fit its window. Local servers (Ollama, vLLM, LM Studio) and providers a
config file adds run whatever models they hold: those links are not checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmwright.catalog import get_catalog, split_ref
from llmwright.errors import InvalidInput, UnknownModel
from llmwright.providers import canonical_provider, provider_rows
from llmwright.tokens import check_fit, count_conversation, parse_conversation

if TYPE_CHECKING:
    from llmwright.gateway import CallRequest, Gateway


def preflight(
    gateway: Gateway, request: CallRequest, model: str | None, fallback: list[str], route: str | None
) -> None:
    """Raise InvalidInput, saying what to change, when a link of the chain would certainly fail."""
    _, chain = gateway.resolve_chain(model, fallback, route)
    catalog = get_catalog()
    payload = {"system": request.system, "messages": request.messages} if request.system else request.messages
    conversation = None
    for ref in chain:
        provider = canonical_provider(split_ref(ref)[0], gateway.config.providers)
        row = provider_rows().get(provider)
        if row is None or row.hosting == "local":
            continue
        try:
            info = catalog.resolve(ref)
        except UnknownModel as exc:
            raise InvalidInput(
                f"{exc} call_llm sends only to models llmwright's catalog knows (a new model: `llmwright models "
                "--update` refreshes it)"
            ) from exc
        if info.status == "retired":
            instead = f"; use {info.replacement} instead" if info.replacement else ""
            raise InvalidInput(f"{ref} is retired{f' since {info.retires_on}' if info.retires_on else ''}{instead}")
        if request.max_tokens and info.max_output_tokens and request.max_tokens > info.max_output_tokens:
            raise InvalidInput(
                f"max_tokens {request.max_tokens:,} is over {ref}'s output limit of {info.max_output_tokens:,} tokens"
            )
        conversation = conversation or parse_conversation(payload)
        counted = count_conversation(conversation, info)
        fit = check_fit(info, counted.tokens, request.max_tokens or 1, catalog)
        if fit.fits is False:
            output = f" plus max_tokens {request.max_tokens:,}" if request.max_tokens else ""
            raise InvalidInput(
                f"the prompt is {counted.tokens:,} tokens ({counted.method}){output}: over {ref}'s "
                f"{fit.context_window:,}-token context window; " + "; ".join(fit.advice)
            )


__all__ = ["preflight"]
