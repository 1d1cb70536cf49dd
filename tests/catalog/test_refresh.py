"""`models --update` against a loopback mirror: prices through genai-prices' own updater, windows
and retirement dates from LiteLLM's table, what changed shown; offline it fails in one line and
the data in use stays. And the data's age on every catalog output, with a notice past 60 days."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

import pytest

from tests.support.cli import run_cli

PRICES = [
    {
        "id": "openai",
        "name": "OpenAI",
        "api_pattern": r"https://api\.openai\.com",
        "pricing_urls": ["https://openai.com/api/pricing/"],
        "model_match": {"starts_with": "gpt-"},
        "models": [
            {
                "id": "gpt-4o-mini",
                "match": {"starts_with": "gpt-4o-mini"},
                "prices": {"input_mtok": 0.3, "output_mtok": 1.2},
            },
            {"id": "gpt-4o", "match": {"equals": "gpt-4o"}, "prices": {"input_mtok": 2.5, "output_mtok": 10}},
        ],
    }
]


def _litellm_table() -> dict:
    """The shipped table, with gpt-4o-mini given a retirement date and a larger window (what upstream might say)."""
    table = json.loads(resources.files("llmwright.catalog").joinpath("data/litellm_models.json").read_text())
    table.pop("_llmwright_meta")
    table["gpt-4o-mini"] = {**table["gpt-4o-mini"], "max_input_tokens": 256_000, "deprecation_date": "2027-03-01"}
    table["text-embedding-3-small"] = {"litellm_provider": "openai", "mode": "embedding", "input_cost_per_token": 2e-8}
    return table


class Mirror:
    """A loopback HTTP server answering two paths with fixed bodies (or a status)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes]] = {}
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = routes.get(self.path, (404, b"not found"))
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def mirror() -> Iterator[Mirror]:
    server = Mirror()
    server.routes["/prices.json"] = (200, json.dumps(PRICES).encode())
    server.routes["/litellm.json"] = (200, json.dumps(_litellm_table()).encode())
    yield server
    server.close()


def _env(tmp_path: Path, mirror: Mirror, **extra: str) -> dict[str, str]:
    return {
        "LLMWRIGHT_DATA_DIR": str(tmp_path / "data"),
        "LLMWRIGHT_CACHE_DIR": str(tmp_path / "cache"),
        "LLMWRIGHT_GENAI_PRICES_URL": mirror.url("/prices.json"),
        "LLMWRIGHT_LITELLM_URL": mirror.url("/litellm.json"),
        "LLMWRIGHT_TODAY": "2026-12-02",
        **extra,
    }


def _mini(env: dict[str, str]) -> dict:
    listed = run_cli("models", "--search", "openai:gpt-4o-mini", "--format", "json", env=env)
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    return data | {"model": next(m for m in data["models"] if m["ref"] == "openai:gpt-4o-mini")}


def test_update_refreshes_prices_windows_and_dates_and_shows_what_changed(tmp_path, mirror) -> None:
    env = _env(tmp_path, mirror)
    before = _mini(env)
    assert before["model"]["prices"]["input"] == 0.15 and before["data_date"] == "2026-11-23"
    updated = run_cli("models", "--update", env=env)
    assert updated.returncode == 0, updated.stderr
    out = updated.stdout
    assert "now:    data of 2026-12-02: genai-prices" in out and "data refreshed 2026-12-02" in out
    lines = [line for line in out.splitlines() if "openai:gpt-4o-mini " in line]
    assert any("input $/M" in line and "0.15" in line and "0.3" in line for line in lines), out
    assert any("context window" in line and "128000" in line and "256000" in line for line in lines), out
    assert any("status" in line and "active" in line and "deprecated" in line for line in lines), out
    after = _mini(env)
    assert after["model"]["prices"]["input"] == 0.3 and after["model"]["context_window"] == 256_000
    assert after["model"]["status"] == "deprecated" and after["model"]["retires_on"] == "2027-03-01"
    assert after["data_date"] == "2026-12-02" and after["data_version"].startswith("data of 2026-12-02")
    as_json = run_cli("models", "--update", "--format", "json", env=env)
    assert json.loads(as_json.stdout)["changes"] == []  # the same data again: nothing changed


@pytest.mark.parametrize("broken", ["/prices.json", "/litellm.json"])
def test_offline_or_a_bad_download_fails_in_one_line_and_keeps_the_data_in_use(tmp_path, mirror, broken) -> None:
    env = _env(tmp_path, mirror)
    mirror.routes[broken] = (503, b"down")
    failed = run_cli("models", "--update", env=env)
    assert failed.returncode == 1
    assert failed.stderr.startswith("error: could not refresh") and "the data in use is unchanged" in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1 and "Traceback" not in failed.stderr
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").iterdir())
    assert _mini(env)["model"]["prices"]["input"] == 0.15


def test_no_network_at_all_is_one_line_too(tmp_path, mirror) -> None:
    env = _env(tmp_path, mirror, LLMWRIGHT_GENAI_PRICES_URL="http://127.0.0.1:9/prices.json")
    failed = run_cli("models", "--update", env=env)
    assert failed.returncode == 1 and len(failed.stderr.strip().splitlines()) == 1
    assert "127.0.0.1:9" in failed.stderr and "ConnectError" in failed.stderr


def test_update_takes_no_filters(tmp_path, mirror) -> None:
    refused = run_cli("models", "--update", "--provider", "openai", env=_env(tmp_path, mirror))
    assert refused.returncode == 2 and "without filters" in refused.stderr


@pytest.mark.parametrize(("day", "stale"), [("2027-01-22", False), ("2027-01-23", True)])
def test_data_older_than_60_days_gets_a_notice_wherever_the_catalog_is_used(tmp_path, mirror, day, stale) -> None:
    env = _env(tmp_path, mirror, LLMWRIGHT_TODAY=day)  # the shipped data is of 2026-11-23
    for args in (
        ["models", "--search", "gpt-4o-mini"],
        ["estimate", "-m", "openai:gpt-4o-mini", "Hello"],
        ["select", "--task", "classify support tickets"],
    ):
        result = run_cli(*args, env=env)
        assert result.returncode == 0, result.stderr
        notice = [line for line in result.stderr.splitlines() if line.startswith("note: the model data is from")]
        assert bool(notice) == stale, (args, result.stderr)
        if stale:
            assert "2026-11-23 (61 days old)" in notice[0] and "llmwright models --update" in notice[0]
        assert "data of 2026-11-23" in result.stdout  # the date is on the output itself
    listed = json.loads(run_cli("models", "--search", "gpt-4o-mini", "--format", "json", env=env).stdout)
    assert (listed["data_notice"] is not None) == stale
    estimated = json.loads(run_cli("estimate", "-m", "openai:gpt-4o-mini", "--format", "json", "Hi", env=env).stdout)
    assert estimated["data_date"] == "2026-11-23" and (estimated["data_notice"] is not None) == stale
