"""Every call site is found, nothing else is: lines marked `# site: KIND` must be reported as
LLM call sites of that kind, lines marked `# not-site` must not. The fixtures are small
programs written for these tests, one per family of patterns seen in real code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from llmwright.audit import AuditRequest, audit

SITES = Path(__file__).parent / "sites"
MARK = re.compile(r"#\s*(site|not-site)(?::\s*(\w+))?")


def _marks(root: Path) -> tuple[set[tuple[str, int, str]], set[tuple[str, int]]]:
    want: set[tuple[str, int, str]] = set()
    never: set[tuple[str, int]] = set()
    files = [root] if root.is_file() else sorted(root.rglob("*.py"))
    for file in files:
        rel = file.name if root.is_file() else file.relative_to(root).as_posix()
        for number, line in enumerate(file.read_text().splitlines(), 1):
            match = MARK.search(line)
            if match and match.group(1) == "site":
                want.add((rel, number, match.group(2)))
            elif match:
                never.add((rel, number))
    return want, never


@pytest.mark.parametrize("name", ["sdk_shapes.py", "raw_http.py", "langchain_models.py", "factory_project"])
def test_call_sites_are_found_and_nothing_else(name: str) -> None:
    root = SITES / name
    want, never = _marks(root)
    report = audit(AuditRequest(path=str(root), jobs=1))
    got = {(s.path, s.line, s.kind) for s in report.call_sites}
    assert want <= got, f"missed: {sorted(want - got)}"
    assert not {(p, n) for p, n, _ in got} & never, f"not call sites: {sorted({(p, n) for p, n, _ in got} & never)}"
    assert len(got) == len(want), f"unmarked sites: {sorted(got - want)}"
    assert report.llm_calls == len(want) and sum(report.call_sites_by_kind.values()) == len(want)


def _line(path: Path, text: str) -> int:
    """The first line that starts with `text` (after indentation), or else contains it."""
    lines = path.read_text().splitlines()
    starts = [n for n, line in enumerate(lines, 1) if line.strip().startswith(text)]
    return starts[0] if starts else next(n for n, line in enumerate(lines, 1) if text in line)


def test_resolution_says_how_each_site_was_found() -> None:
    project = SITES / "factory_project"
    report = audit(AuditRequest(path=str(project), jobs=1))
    resolution = {(s.path, s.line): s.resolution for s in report.call_sites}
    service = project / "app" / "service.py"
    assert resolution[("app/service.py", _line(service, "return client.chat.completions.create("))] == "factory"
    assert resolution[("app/service.py", _line(service, "claude.messages.create"))] == "imported"
    assert resolution[("app/service.py", _line(service, "self.llm.chat"))] == "imported"  # a base class's self.llm
    shapes_file = SITES / "sdk_shapes.py"
    shapes = {s.line: s.resolution for s in audit(AuditRequest(path=str(shapes_file), jobs=1)).call_sites}
    assert shapes[_line(shapes_file, "create(model=")] == "alias"
    assert shapes[_line(shapes_file, "quick(messages")] == "alias"  # functools.partial
    assert shapes[_line(shapes_file, "with_retry_helper(client")] == "call-through"  # an SDK method handed to a helper
    assert shapes[_line(shapes_file, "asyncio.to_thread")] == "call-through"
    assert shapes[_line(shapes_file, "llm_client.chat")] == "parameter"
    assert shapes[_line(shapes_file, "factory().chat")] == "shape"
    http_file = SITES / "raw_http.py"
    http = {s.line: s.resolution for s in audit(AuditRequest(path=str(http_file), jobs=1)).call_sites}
    assert http[_line(http_file, 'requests.post("https://api.openai.com')] == "url"
    assert http[_line(http_file, "settings.ANTHROPIC_URL")] == "config URL"
    assert http[_line(http_file, "self.inference_endpoint, json")] == "config URL"
    assert http[_line(http_file, "/v2/talk")] == "body"


def test_findings_carry_the_resolution_in_json_and_sarif() -> None:
    from llmwright.audit.formats import render

    project = SITES / "factory_project"
    report = audit(AuditRequest(path=str(project), jobs=1))
    embed = next(f for f in report.findings if f.rule == "LLM101" and f.path == "app/service.py")
    assert embed.line == _line(project / "app" / "service.py", "client.embeddings.create")
    assert embed.resolution == "factory" and "app/clients.py" in embed.message  # the factory's client has no timeout
    sarif = render(report, "sarif")
    assert '"resolution": "factory"' in sarif and '"call_sites_by_kind"' in sarif


def test_a_call_whose_factory_may_return_either_of_two_clients_is_reported_once() -> None:
    """get_client() returns an AzureOpenAI or an OpenAI client, neither with a timeout: the
    embeddings call is one finding, and the wrapper judged after it is still reported."""
    project = SITES / "factory_project"
    report = audit(AuditRequest(path=str(project), select=["LLM101"], jobs=1))
    embed = _line(project / "app" / "service.py", "client.embeddings.create")
    wrapped = _line(project / "app" / "wrappers.py", "return litellm.completion")
    assert [(f.path, f.line) for f in report.findings] == [("app/service.py", embed), ("app/wrappers.py", wrapped)]
