"""How old the catalog's data is, and the notice when it is too old to trust unrefreshed.

The data's date is the older of the prices (genai-prices as shipped, or the day
`models --update` refreshed them) and the model table (LiteLLM's, likewise). Past
`STALE_AFTER_DAYS` every door says so: prices move and models retire every month.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from .lifecycle import today
from .prices import price_source, prices_checked
from .sources import litellm_checked, litellm_version, load_curated

STALE_AFTER_DAYS = 60


class DataAge(BaseModel):
    data_date: date = Field(description="the older of the prices and the model table in use")
    age_days: int = Field(description="days between data_date and today")
    stale: bool = Field(description=f"older than {STALE_AFTER_DAYS} days")
    notice: str | None = Field(None, description="what to do about stale data; None when fresh")


def data_date() -> date:
    return min(prices_checked(), litellm_checked())


def data_age(on: date | None = None, when: date | None = None) -> DataAge:
    """How old the data is on `on` (today); `when` is the data's date when the caller has it at hand."""
    day = on or today()
    when = when or data_date()
    age = (day - when).days
    stale = age > STALE_AFTER_DAYS
    notice = (
        f"the model data is from {when} ({age} days old): prices and retirement dates may have changed; "
        "run `llmwright models --update` (needs network) or upgrade llmwright"
        if stale
        else None
    )
    return DataAge(data_date=when, age_days=age, stale=stale, notice=notice)


def data_version() -> str:
    """Which data an answer rests on, starting with its date: every output that uses the catalog carries it."""
    return f"data of {data_date()}: {price_source()}; {litellm_version()}; curated {load_curated().version}"
