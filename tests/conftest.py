"""Shared fixtures: a fixed pricing moment, a catalog built at it, and a fake provider server."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import settings

from llmwright.catalog import Catalog, catalog_at
from tests.support.fake_provider import FakeProvider

# Property tests draw fewer, reproducible examples in a mutation run (the runner passes
# --hypothesis-profile=mutation): every surviving mutant pays for the whole selection.
settings.register_profile("mutation", max_examples=25, derandomize=True, database=None, deadline=None)

# genai-prices holds price changes dated in the future: price at a fixed moment.
PRICED_AT = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return catalog_at(PRICED_AT)


@pytest.fixture(autouse=True, scope="session")
def _offline_plugin_launcher(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Whatever runs the plugin's launcher (.claude/scripts/llmwright.sh) runs llmwright with this
    interpreter, never installs it from PyPI and never touches the user's plugin data; tests of
    the first start build their own environment."""
    os.environ.setdefault("LLMWRIGHT_PYTHON", sys.executable)
    os.environ["LLMWRIGHT_NO_INSTALL"] = "1"
    os.environ["CLAUDE_PLUGIN_DATA"] = str(tmp_path_factory.mktemp("plugin-data"))


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's refreshed model table."""
    monkeypatch.setenv("LLMWRIGHT_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    """A loopback server speaking the providers' wire formats, one per test."""
    with FakeProvider() as server:
        yield server
