"""LLM102 no-retry."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator

from ..facts import ProjectFacts
from ..judge import client_hit, site_hit
from ..module import ModuleModel
from ..records import SiteRecord
from ..rule import Hit, ProjectHit, Rule


class NoRetry(Rule):
    """## What it does
    Flags LLM clients with retries switched off (`max_retries=0`) when some of their calls
    have no retry around them either, per-call `with_options(max_retries=0)`, and raw HTTP
    posts to a provider endpoint that nothing retries. A tenacity/backoff/stamina decorator,
    a retry loop, a retry helper the call is handed to, or LangChain's `.with_retry()` all
    count as retries, with or without `max_retries=0` on the client.

    ## Why is this bad?
    Rate limits (429), overloads (529) and dropped connections are routine with LLM APIs.
    The SDKs retry them with backoff; with retries off, or with hand-rolled HTTP, each of
    those becomes a user-facing failure.

    ## Example
    ```python
    resp = requests.post("https://api.openai.com/v1/chat/completions", json=body, timeout=30)
    ```

    ## Use instead
    ```python
    @tenacity.retry(wait=tenacity.wait_random_exponential(max=30), stop=tenacity.stop_after_attempt(5))
    def complete(body):
        return requests.post("https://api.openai.com/v1/chat/completions", json=body, timeout=30)
    ```
    """

    id = "LLM102"
    name = "no-retry"
    title = "LLM call with retries disabled or no retry at all"
    category = "reliability"
    severity = "medium"
    fix = "Keep the SDK's retries (max_retries>=2) or wrap raw HTTP in tenacity/backoff/stamina with jittered backoff."
    scope = "both"

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        for call in mod.all_calls:
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr == "with_options":
                for kw in call.keywords:
                    if kw.arg == "max_retries" and isinstance(kw.value, ast.Constant) and kw.value.value == 0:
                        yield Hit(kw.value, "retries disabled for this call (with_options(max_retries=0))")

    def check_project(self, facts: ProjectFacts) -> Iterator[ProjectHit]:
        uses: dict[str, list[SiteRecord]] = defaultdict(list)
        for site in facts.sites:
            for origin in (site.client_origin, *site.client_siblings) if site.client_origin else ():
                uses[origin].append(site)
        for client in facts.clients:
            if not client.retries_off:
                continue
            used = uses.get(client.origin, [])
            bare = [s for s in used if not s.retried]
            if used and not bare:
                continue
            where = f"; {len(bare)} of its {len(used)} calls have no retry around them" if used else ""
            yield client_hit(client, f"retries disabled (max_retries=0): every 429/5xx reaches the caller{where}")
        for site in facts.sites:
            if site.kind == "http" and not site.retried:
                yield site_hit(site, f"raw HTTP call to {site.provider or 'an LLM endpoint'} with no retry around it")


RULE = NoRetry
