"""What the gateway checks before it sends anything: a call that cannot succeed never goes out.

Per model, when a reference resolves to its target: an embedding model is refused, and a
retired one (naming its replacement) unless `[gateway] allow_retired`; a deprecated one is
logged once per process with its date; a name the catalog does not know is refused, with the closest
names, for a provider whose model list the catalog holds (first-party hosted providers on
their own endpoint; not local servers, Azure deployments, resellers, fine-tunes, or a
provider pointed at another `base_url`). Per request, across the chain: `max_tokens`
within each model's output limit, and the prompt within the window of at least one model.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from llmwright.config import Config
from llmwright.errors import UnknownModel
from llmwright.providers import provider_rows

from .errors import ModelRetired, RequestRefused
from .models import CallRequest
from .targets import Target, estimate_input_tokens

if TYPE_CHECKING:
    from llmwright.catalog import ModelInfo

logger = logging.getLogger("llmwright.gateway")
# Characters per token no tokenizer exceeds on real text; bounds what is counted of a huge prompt.
CHARS_PER_TOKEN_BOUND = 8
FINE_TUNE_PREFIXES = ("ft:",)
_warned: set[str] = set()


def _lists_every_model(target: Target, config: Config) -> bool:
    """Whether a name missing from the catalog is a typo rather than a model we cannot know about."""
    row = provider_rows().get(target.provider)
    if row is None or row.hosting == "local" or row.reseller or row.kind in ("azure", ""):
        return False
    options = config.providers.get(target.provider)
    if options is not None and options.base_url is not None:
        return False
    return not target.model.startswith(FINE_TUNE_PREFIXES)


def check_model(target: Target, config: Config) -> None:
    """Refuse a retired, unknown or embedding model; warn once about a deprecated one."""
    from llmwright.catalog import get_catalog  # loaded by then: `info` reads the catalog

    info = target.info
    if info is None:
        if _lists_every_model(target, config):
            catalog = get_catalog()
            ref = f"{target.provider}:{target.model}"
            raise UnknownModel(ref, catalog.suggest(ref), reason="a newer model? `llmwright models --update`")
        return
    if info.kind != "chat":
        raise RequestRefused(f"{info.ref} is an {info.kind} model; the gateway sends chat requests: pick a chat model")
    if info.status == "retired" and not config.gateway.allow_retired:
        raise ModelRetired(info.ref, info.retires_on, get_catalog().successor(info))
    if info.status == "deprecated" and info.ref not in _warned:
        _warned.add(info.ref)
        logger.warning("%s", info.notice)


def check_request(request: CallRequest, targets: Sequence[Target]) -> None:
    """Refuse a request no model of the chain can take: output over a limit, or a prompt over every window."""
    known = [target.info for target in targets if target.info is not None]
    for info in known:
        limit = info.max_output_tokens
        if request.max_tokens and limit and request.max_tokens > limit:
            raise RequestRefused(
                f"max_tokens {request.max_tokens:,} is over {info.ref}'s output limit of {limit:,} tokens; lower it"
            )
    windows = [(info.context_window, info) for info in known if info.context_window]
    if not windows or len(windows) < len(targets):
        return  # a link whose window is unknown may fit
    window, largest = max(windows, key=lambda pair: pair[0])
    output = request.max_tokens or 0
    if _utf8_bytes(request) + output <= window:
        return  # a token is at least one byte: nothing to count (the common case costs no tokenizer)
    tokens, counted_all = _prompt_tokens(request, largest, window)
    if tokens + output <= window:
        return
    size = f"{tokens:,} tokens" if counted_all else f"over {tokens:,} tokens (counted in its first part alone)"
    plus = f" plus max_tokens {output:,}" if output else ""
    where = "the largest window in the chain, " if len(targets) > 1 else ""
    raise RequestRefused(
        f"the prompt has {size}{plus}, more than {where}{largest.ref}'s {window:,}-token context window; "
        "shorten it or pick a model with a larger window"
    )


def _utf8_bytes(request: CallRequest) -> int:
    texts = [request.system or ""] + [str(m.get("content") or "") for m in request.messages]
    return sum(len(text.encode("utf-8", "replace")) for text in texts)


def _prompt_tokens(request: CallRequest, info: ModelInfo, window: int) -> tuple[int, bool]:
    """(tokens, whether all of the prompt was counted): a prompt far over any window is counted in part."""
    bound = window * CHARS_PER_TOKEN_BOUND
    texts = [request.system or ""] + [str(m.get("content") or "") for m in request.messages]
    if sum(len(text) for text in texts) <= bound:
        return estimate_input_tokens(request, info), True
    head = "\n".join(texts)[:bound]
    return estimate_input_tokens(CallRequest.from_prompt(head), info), False
