"""A model's lifecycle on a given day, from its dates: the one rule every door reads.

The dates decide. A retirement date on or before the day means `retired`, whatever a data
source's label says; a model is `deprecated` only from its announcement (`deprecated_on`,
when known) up to the day before it retires; before the announcement it is `active`. A
label (`declared`) counts only where no date says otherwise: a curated row marking a
model retired on an unknown date, or genai-prices flagging one deprecated.

"Today" comes from one clock, `today()`: the UTC date, or `LLMWRIGHT_TODAY` (an ISO date)
when set, so a report can be reproduced and tests can stand on either side of a boundary.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time
from typing import Literal

from ..errors import InvalidInput

Status = Literal["active", "deprecated", "retired"]
TODAY_ENV = "LLMWRIGHT_TODAY"


def now() -> datetime:
    """The moment the catalog is read at: midnight UTC of `LLMWRIGHT_TODAY` when set, else now."""
    pinned = os.environ.get(TODAY_ENV, "").strip()
    if not pinned:
        return datetime.now(tz=UTC)
    try:
        day = date.fromisoformat(pinned)
    except ValueError as exc:
        raise InvalidInput(f"{TODAY_ENV}={pinned!r} is not a date; use YYYY-MM-DD or unset it") from exc
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def today() -> date:
    """The day whose lifecycle the catalog shows."""
    return now().date()


def status_on(
    day: date,
    *,
    retires_on: date | None = None,
    deprecated_on: date | None = None,
    declared: Status | None = None,
) -> Status:
    """`active`, `deprecated` or `retired` on `day`; dates win over any declared label."""
    if retires_on is not None:
        if retires_on <= day:
            return "retired"
        if deprecated_on is not None and deprecated_on > day:
            return "active"
        return "deprecated"
    if deprecated_on is not None:
        return "deprecated" if deprecated_on <= day else "active"
    return declared or "active"


def lifecycle_notice(ref: str, status: Status, retires_on: date | None, replacement: str | None) -> str | None:
    """The sentence every door shows for a model that is not active (None for an active one)."""
    if status == "retired":
        since = f"since {retires_on}" if retires_on else "on an unknown date"
        instead = f"; use {replacement}" if replacement else ""
        return f"{ref} is retired ({since}){instead}"
    if status == "deprecated":
        when = f"retires on {retires_on}" if retires_on else "no retirement date announced yet"
        instead = f"; plan a move to {replacement}" if replacement else ""
        return f"{ref} is deprecated ({when}){instead}"
    return None
