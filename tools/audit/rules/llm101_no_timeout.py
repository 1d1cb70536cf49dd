"""LLM101 no-timeout."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ..facts import ProjectFacts
from ..judge import callers_pass, client_hit, grouped_unverified, site_hit
from ..libraries import RAW_HTTP_WITHOUT_DEFAULT
from ..options import TIMEOUT_KEYS
from ..records import SiteRecord
from ..rule import ProjectHit, Rule


def _call_has_deadline(site: SiteRecord) -> bool:
    return bool(site.timeout) or site.wrapper_timeout or "timeout" in site.client_traits


class NoTimeout(Rule):
    """## What it does
    Flags LLM calls that nothing puts a deadline on: a client built without `timeout`
    whose calls set none either (reported once, at the client), a call that sets none
    through a client that has none, module functions (`litellm.completion`, `ollama.chat`)
    and raw `requests`/`aiohttp` posts to a provider without one. A timeout counts wherever
    it is set: on the client, per call (`timeout=`, `with_options(timeout=...)`,
    `http_options`, a `**` dict), or around the call (`asyncio.wait_for`, `asyncio.timeout`).
    When options arrive through `**kwargs`, the callers of the function are checked; when
    that cannot be known, the finding is reported as *unverified*.

    ## Why is this bad?
    SDK defaults are minutes (OpenAI and Anthropic: 10 minutes). A stuck connection holds a
    worker, a request and a user for that long, and piles up under load until the
    service stops answering. A deadline you choose turns a hang into an error you handle.

    ## Example
    ```python
    client = OpenAI()
    ```

    ## Use instead
    ```python
    client = OpenAI(timeout=30.0)
    ```
    """

    id = "LLM101"
    name = "no-timeout"
    title = "LLM client or call without an explicit timeout"
    category = "reliability"
    severity = "high"
    fix = (
        "Set a timeout you can live with: OpenAI(timeout=30.0), Anthropic(timeout=30.0), requests.post(..., timeout=30)"
    )
    scope = "calls"

    def check_project(self, facts: ProjectFacts) -> Iterator[ProjectHit]:
        uses: dict[str, list[SiteRecord]] = defaultdict(list)
        for site in facts.sites:
            for origin in (site.client_origin, *site.client_siblings) if site.client_origin else ():
                uses[origin].append(site)
        pending: list = []
        for client in facts.clients:
            if client.timeout:
                continue
            used = uses.get(client.origin, [])
            lacking = [s for s in used if not _call_has_deadline(s)]
            if used and not lacking:
                continue
            unverified = client.timeout is None
            if not used or len(lacking) == len(used):
                calls = f"; none of its {len(used)} calls sets one" if len(used) > 1 else ""
                calls = "; its call sets none" if len(used) == 1 else calls
                if unverified:
                    message = f"{client.library} client created with options from **kwargs: no timeout visible{calls}"
                    pending.append((client, message))
                    continue
                yield client_hit(
                    client, f"{client.library} client created without a timeout (SDK default: minutes){calls}"
                )
                continue
            for site in lacking:
                yield site_hit(site, f"{site.method} sets no timeout and its client ({client.origin}) has none")
        yield from grouped_unverified(pending, "no timeout")
        known = {c.origin for c in facts.clients}
        for site in facts.sites:
            if _call_has_deadline(site) or site.library == "boto3":
                continue  # botocore reads with a 60 s timeout by default
            if site.client_origin:
                if site.client_origin not in known and not site.client_timeout:
                    yield site_hit(
                        site, f"{site.method} sets no timeout and its client ({site.client_origin}) has none"
                    )
            elif site.kind == "http":
                if site.library in RAW_HTTP_WITHOUT_DEFAULT:  # httpx defaults to 5 seconds
                    what = f"raw {site.library} call to {site.provider or 'an LLM endpoint'}"
                    yield from self._judge_call(facts, site, what)
            elif site.has_client or site.resolution in ("shape", "name"):
                # no origin: the client was never seen built, so it has no known timeout (and the
                # call has none: calls with a deadline were passed over above)
                yield site_hit(
                    site,
                    f"{site.method} through a client built elsewhere: no timeout on the call, "
                    "and the client's cannot be seen",
                    unverified=True,
                )
            else:
                yield from self._judge_call(facts, site, site.method)

    def _judge_call(self, facts: ProjectFacts, site: SiteRecord, what: str) -> Iterator[ProjectHit]:
        if site.timeout is None and site.forwarded:
            passed, example = callers_pass(facts, site, TIMEOUT_KEYS)
            if passed:
                return
            if example is not None:  # a caller that passes none
                yield site_hit(
                    site, f"{what} without a timeout: {example.path}:{example.line} calls {site.function}() without one"
                )
                return
            yield site_hit(
                site, f"{what}: timeout only through **{site.forwarded}, not visible in any caller", unverified=True
            )
            return
        if site.timeout is None:
            yield site_hit(
                site, f"{what}: options come from a dict the audit cannot see; no timeout visible", unverified=True
            )
            return
        yield site_hit(site, f"{what} without a timeout")


RULE = NoTimeout
