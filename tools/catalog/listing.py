"""The catalog as a filtered list: what `llmwright models` and the `list_models` tool show."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, Field

from .catalog import get_catalog
from .freshness import data_age
from .model import Capability, ModelInfo, ModelKind


class ModelList(BaseModel):
    count: int
    data_version: str = Field(description="which data the list rests on, starting with its date")
    data_date: date = Field(description="the older of the prices and the model table in use")
    data_notice: str | None = Field(None, description="set when the data is over 60 days old: what to do")
    models: list[ModelInfo]


def list_models(
    provider: str | None = None,
    capabilities: Iterable[Capability] = (),
    hosting: str | None = None,
    include_retired: bool = False,
    search: str | None = None,
    limit: int | None = None,
    kind: ModelKind | None = None,
) -> ModelList:
    catalog = get_catalog()
    models = catalog.find(
        provider=provider, capabilities=capabilities, hosting=hosting, include_retired=include_retired, kind=kind
    )
    if search:
        needle = search.lower()
        models = [m for m in models if needle in m.ref.lower() or any(needle in a.lower() for a in m.aliases)]
    total = len(models)
    if limit is not None:
        models = models[:limit]
    age = data_age(catalog.day, catalog.data_date)
    return ModelList(
        count=total, data_version=catalog.data_version, data_date=age.data_date, data_notice=age.notice, models=models
    )
