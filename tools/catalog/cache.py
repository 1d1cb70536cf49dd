"""A pickled copy of the built catalog, so a CLI call does not rebuild it every time.

Building merges ~1,600 entries from three sources (~0.8 s); loading the pickle takes a
few milliseconds. The key covers everything the build reads: package versions, the entry's fields, the data
files' bytes, any refreshed table or prices and the day (status depends on today's date).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Callable
from datetime import date
from importlib import resources

from ..paths import cache_dir
from .model import ModelInfo

logger = logging.getLogger("llmwright.catalog")


def _key(extra: str) -> str:
    from .. import __version__
    from .lifecycle import today
    from .prices import genai_prices_version, prices_file
    from .sources import override_file

    schema = ",".join(ModelInfo.model_fields)  # a new field must not load entries pickled without it
    digest = hashlib.sha256(f"{__version__}|{genai_prices_version()}|{extra}|{today()}|{schema}".encode())
    data = resources.files("llmwright.catalog").joinpath("data")
    for name in ("curated.toml", "litellm_models.json"):
        digest.update(data.joinpath(name).read_bytes())
    digest.update(resources.files("llmwright").joinpath("providers.toml").read_bytes())
    for refreshed in (override_file(), prices_file()):
        if refreshed.is_file():
            digest.update(f"{refreshed}|{refreshed.stat().st_mtime_ns}".encode())
    return digest.hexdigest()[:24]


Built = tuple[list[ModelInfo], str, date]  # the entries, their data version and the data's date


def cached_catalog(build: Callable[[], Built]) -> Built:
    """Load the built catalog from the cache, or build it and save it (best effort)."""
    try:
        path = cache_dir() / f"catalog-{_key('v2')}.pickle"
    except OSError as exc:  # the data files are unreadable: build without a cache
        logger.debug("catalog cache key not computed: %s", exc)
        return build()
    try:
        if path.is_file():
            with path.open("rb") as handle:
                return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        logger.debug("catalog cache unreadable, rebuilding: %s", exc)
    models = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(models, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError as exc:
        logger.debug("catalog cache not written: %s", exc)
    return models
