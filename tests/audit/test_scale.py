"""The audit's work grows linearly with the number of call sites in a file.

A generated module of module-level LLM calls (SDK, streams consumed in loops, raw HTTP,
LiteLLM, LangChain, model output parsed and executed) is audited at two sizes, four times
apart. Linear work takes about four times as long; the quadratic walks this test guards
against took sixteen times (a 100 KB file of calls took 44 s, 300 KB over 300 s). The
bound is generous, and CPU time of this process is compared, not wall-clock time.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from llmwright.audit import AuditRequest, audit

HEAD = [
    "import json",
    "import logging",
    "import litellm",
    "import requests",
    "from langchain_openai import ChatOpenAI",
    "from openai import OpenAI",
    "client = OpenAI()",
    "llm = ChatOpenAI()",
    "log = logging.getLogger(__name__)",
    'URL = "https://api.openai.com/v1/chat/completions"',
]


def _module(groups: int) -> str:
    lines = list(HEAD)
    for i in range(groups):
        lines += [
            f'r{i} = client.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True)',
            f"for c{i} in r{i}:",
            f"    print(c{i})",
            f'h{i} = requests.post(URL, json={{"model": "m", "messages": []}})',
            f'l{i} = litellm.completion(model="gpt-4o-mini", messages=[])',
            f'x{i} = llm.invoke("q")',
            f"d{i} = json.loads(l{i}.choices[0].message.content)",
            f"exec(x{i}.content)",
        ]
    return "\n".join(lines) + "\n"


def _cpu_seconds(path: Path) -> tuple[float, int]:
    best, sites = float("inf"), 0
    for _ in range(2):
        started = time.process_time()
        report = audit(AuditRequest(path=str(path), jobs=1))
        best = min(best, time.process_time() - started)
        sites = report.llm_calls
    return best, sites


@pytest.mark.slow
def test_work_grows_linearly_with_module_level_call_sites(tmp_path: Path) -> None:
    small, large = tmp_path / "small.py", tmp_path / "large.py"
    small.write_text(_module(150))
    large.write_text(_module(600))
    audit(AuditRequest(path=str(small), jobs=1))  # warm imports and the catalog
    small_time, small_sites = _cpu_seconds(small)
    large_time, large_sites = _cpu_seconds(large)
    assert (small_sites, large_sites) == (600, 2400)
    ratio = large_time / small_time
    assert ratio < 7.0, f"4x the call sites took {ratio:.1f}x the time (linear is ~4x, quadratic ~16x)"
