"""Helpers project rules share: judge a site by what reaches it, following callers one level.

When a call's options arrive through the enclosing function's `**kwargs`, the answer is in
the callers of that function, anywhere in the project (`ProjectIndex.callers`, by name).
Names too generic to follow (`run`, `chat`, `generate`, …) are not followed: the answer
stays "unknown", and the rule reports the site as unverified rather than clean.
"""

from __future__ import annotations

from .dataflow import GENERIC_NAMES
from .facts import ProjectFacts
from .index import CallerFacts
from .records import ClientRecord, SiteRecord
from .rule import ProjectHit


def site_hit(site: SiteRecord, message: str, unverified: bool = False) -> ProjectHit:
    return ProjectHit(site.where, message, unverified, site.resolution, site.suppressed)


def client_hit(client: ClientRecord, message: str, unverified: bool = False) -> ProjectHit:
    return ProjectHit(client.where, message, unverified, "direct", client.suppressed)


def callers_of(facts: ProjectFacts, site: SiteRecord) -> list[CallerFacts] | None:
    """Calls to the site's function elsewhere (None when the name is too generic to follow)."""
    name = site.function
    if not name or name in GENERIC_NAMES or len(name) <= 3 or name.startswith("__"):
        return None
    calls = [
        c for c in facts.index.callers.get(name, []) if not (c.path == site.where.path and c.line == site.where.line)
    ]
    if name.startswith("_"):  # a private method: its own module's callers when it has any (else a subclass's base)
        local = [c for c in calls if c.path == site.where.path]
        return local or calls
    return calls


def callers_pass(facts: ProjectFacts, site: SiteRecord, keys: frozenset[str]) -> tuple[bool | None, CallerFacts | None]:
    """Do the callers of the site's function pass one of `keys`? (True, False with an example, or None)."""
    callers = callers_of(facts, site)
    if not callers:
        return None, None
    missing = [c for c in callers if not (c.keywords & keys) and not c.star]
    if missing:
        return False, missing[0]
    if all(c.keywords & keys for c in callers):
        return True, None
    return None, None


def callers_log(facts: ProjectFacts, site: SiteRecord) -> bool | None:
    """Does a caller of the site's function log (looking two levels up)? None when not followed."""
    callers = callers_of(facts, site)
    if callers is None:
        return None
    if any(c.logs for c in callers):
        return True
    for caller in callers:
        if caller.function and caller.function != site.function:
            outer = callers_of(facts, _as_site(site, caller))
            if outer and any(c.logs for c in outer):
                return True
    return False


def _as_site(site: SiteRecord, caller: CallerFacts) -> SiteRecord:
    from dataclasses import replace

    from .records import Location

    return replace(site, function=caller.function, where=Location(caller.path, caller.line, 0, caller.line, ""))


def grouped_unverified(hits: list[tuple[ClientRecord, str]], what: str) -> list[ProjectHit]:
    """Clients whose options all come from one function's **kwargs: one unverified finding per function."""
    by_function: dict[tuple[str, str], list[tuple[ClientRecord, str]]] = {}
    for client, message in hits:
        by_function.setdefault((client.where.path, client.function or f"line {client.where.line}"), []).append(
            (client, message)
        )
    out = []
    for (_path, function), group in by_function.items():
        client, message = group[0]
        if len(group) > 1:
            message = f"{len(group)} clients built in {function}() take their options from **kwargs: {what} visible"
        out.append(client_hit(client, message, unverified=True))
    return out
