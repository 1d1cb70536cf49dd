"""The catalog as a filtered list: what `llmwright models` and the `list_models` tool show."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from .catalog import get_catalog
from .model import Capability, ModelInfo


class ModelList(BaseModel):
    count: int
    data_version: str
    models: list[ModelInfo]


def list_models(
    provider: str | None = None,
    capabilities: Iterable[Capability] = (),
    hosting: str | None = None,
    include_retired: bool = False,
    search: str | None = None,
    limit: int | None = None,
) -> ModelList:
    catalog = get_catalog()
    models = catalog.find(
        provider=provider, capabilities=capabilities, hosting=hosting, include_retired=include_retired
    )
    if search:
        needle = search.lower()
        models = [m for m in models if needle in m.ref.lower() or any(needle in a.lower() for a in m.aliases)]
    total = len(models)
    if limit is not None:
        models = models[:limit]
    return ModelList(count=total, data_version=catalog.data_version, models=models)
