"""Round two of the audit: which files it reads again with the project index, as a user sees it.

A call made in one module through something another module exports (an alias, a client held on
`self`, a URL constant, a wrapper) is found only when round two re-reads the calling file; a file
that names nothing the index knows stays unparsed (the report's "parsed" count says so).
"""

from __future__ import annotations

from pathlib import Path

from llmwright.audit import AuditRequest, audit
from llmwright.audit.model import AuditReport


def _audit(root: Path, files: dict[str, str], select: list[str]) -> AuditReport:
    for name, text in files.items():
        (root / name).write_text(text)
    return audit(AuditRequest(path=str(root), select=select, jobs=1))


def _found(report: AuditReport) -> set[tuple[str, str, int]]:
    return {(f.rule, f.path, f.line) for f in report.findings}


def test_a_call_through_an_alias_imported_from_another_module_is_found(tmp_path: Path) -> None:
    """app.py mentions no LLM library: only round two, knowing llm.py's alias, reads it."""
    report = _audit(
        tmp_path,
        {
            "llm.py": "import litellm\n\nask_model = litellm.completion\n",
            "app.py": "from llm import ask_model\n\n\ndef go():\n    return ask_model(model='gpt-4o-mini', messages=[])\n",
        },
        ["LLM101"],
    )
    assert [(s.path, s.line, s.resolution) for s in report.call_sites] == [("app.py", 5, "alias")]
    (finding,) = report.findings
    assert (finding.path, finding.line, finding.message) == ("app.py", 5, "litellm.completion without a timeout")
    assert report.files_parsed == 2


def test_a_client_inherited_from_another_module_is_judged_by_its_calls(tmp_path: Path) -> None:
    """The base class's client has no timeout, but the only call through it sets one: no finding."""
    report = _audit(
        tmp_path,
        {
            "llm.py": "from openai import OpenAI\n\n\nclass Assistant:\n    def __init__(self):\n        self.client = OpenAI()\n",
            "app.py": (
                "from llm import Assistant\n\n\nclass Bot(Assistant):\n    def ask(self):\n"
                "        return self.client.chat.completions.create(model='gpt-4o', messages=[], timeout=20)\n"
            ),
        },
        ["LLM101"],
    )
    assert [(s.path, s.line, s.resolution) for s in report.call_sites] == [("app.py", 6, "imported")]
    assert report.findings == []


def test_a_raw_call_to_an_endpoint_url_imported_from_a_config_module_is_found(tmp_path: Path) -> None:
    report = _audit(
        tmp_path,
        {
            "config.py": "OPENAI_URL = 'https://api.openai.com/v1/chat/completions'\n",
            "app.py": (
                "import os\n\nimport requests\n\nfrom config import OPENAI_URL\n\n\ndef ask(q):\n"
                "    return requests.post(OPENAI_URL, json={}, headers={'Authorization': os.environ['OPENAI_API_KEY']})\n"
            ),
        },
        ["LLM101"],
    )
    assert [(s.path, s.line, s.resolution) for s in report.call_sites] == [("app.py", 9, "config URL")]
    assert [(f.path, f.line, f.message) for f in report.findings] == [
        ("app.py", 9, "raw requests call to openai without a timeout")
    ]


def test_logging_in_a_caller_in_another_module_counts(tmp_path: Path) -> None:
    """views.py mentions no LLM library; it is read in round two because it calls notify_team (a
    function that returns nothing, logs nothing and takes no options), and its logging covers
    the call (no LLM402)."""
    llm = (
        "from openai import OpenAI\n\nclient = OpenAI(timeout=5)\n\n\ndef notify_team(q):\n"
        "    client.chat.completions.create(model='gpt-4o', messages=[])\n"
    )
    views = (
        "import logging\n\nfrom llm import notify_team\n\nlog = logging.getLogger(__name__)\n\n\n"
        "def view(q):\n    log.info('asking %s', q)\n    notify_team(q)\n"
    )
    report = _audit(tmp_path, {"llm.py": llm, "views.py": views}, ["LLM402"])
    assert report.findings == [] and report.files_parsed == 2
    (tmp_path / "views.py").write_text(views.replace("    log.info('asking %s', q)\n", ""))
    report = audit(AuditRequest(path=str(tmp_path), select=["LLM402"], jobs=1))
    assert _found(report) == {("LLM402", "llm.py", 7)}


def test_options_passed_by_a_caller_in_another_module_are_seen(tmp_path: Path) -> None:
    """talk() takes its options through **options; views.py (no LLM import) passes a timeout and a
    token limit. notes.py only happens to use words the project exports (`ask`, too short;
    `generate`, too common; `notify`, a function that logs and takes no options): it is not parsed."""
    llm = (
        "import logging\n\nimport litellm\n\nlog = logging.getLogger(__name__)\n\n\n"
        "def talk(q, **options):\n"
        "    return litellm.completion(model='gpt-4o-mini', messages=[{'role': 'user', 'content': q}], **options)\n\n\n"
        "def ask(q):\n    return litellm.completion(model='gpt-4o-mini', messages=[], timeout=9, max_tokens=9)\n\n\n"
        "def generate(q):\n    return litellm.completion(model='gpt-4o-mini', messages=[], timeout=9, max_tokens=9)\n\n\n"
        "def notify(q):\n    log.info('notify')\n"
        "    litellm.completion(model='gpt-4o-mini', messages=[], timeout=9, max_tokens=9)\n"
    )
    views = "from llm import talk\n\n\ndef view(q):\n    return talk(q, timeout=5, max_tokens=50)\n"
    notes = (
        "def ask(question):\n    return input(question)\n\n\n"
        "def generate(n):\n    return list(range(n))\n\n\n"
        "def notify(who):\n    print('notify', who)\n"
    )
    report = _audit(tmp_path, {"llm.py": llm, "views.py": views, "notes.py": notes}, ["LLM101", "LLM301"])
    assert report.findings == []
    assert (report.files_analyzed, report.files_parsed) == (3, 2)
    (tmp_path / "views.py").write_text(views.replace("timeout=5, ", ""))
    report = audit(AuditRequest(path=str(tmp_path), select=["LLM101", "LLM301"], jobs=1))
    (finding,) = report.findings
    assert (finding.rule, finding.path, finding.line, finding.unverified) == ("LLM101", "llm.py", 9, False)


def test_model_output_stored_by_one_module_and_executed_by_another(tmp_path: Path) -> None:
    """runner.py mentions no LLM library and no project function: it is read again because
    writer.py stores model output."""
    writer = (
        "from openai import OpenAI\n\nclient = OpenAI(timeout=30)\n\n\n"
        "def save(task, store):\n"
        "    resp = client.chat.completions.create(model='gpt-4o', messages=[])\n"
        "    store.add_snippet(code=resp.choices[0].message.content)\n"
    )
    runner = "def run_saved(store, name):\n    exec(store.get_snippet(name)['code'])\n"
    report = _audit(tmp_path, {"writer.py": writer, "runner.py": runner}, ["LLM203"])
    assert [(f.path, f.line, f.message) for f in report.findings] == [
        ("runner.py", 2, "model output stored (e.g. by writer.py), then read back and executed here")
    ]


def test_a_project_function_returning_model_output_is_known_by_name_where_strings_run(tmp_path: Path) -> None:
    """runner.py imports nothing from gen.py, but it executes strings: round two reads it with the
    names of the project's functions that return model output."""
    gen = (
        "from openai import OpenAI\n\nclient = OpenAI(timeout=30)\n\n\n"
        "def draft_script(task):\n"
        "    return client.chat.completions.create(model='gpt-4o', messages=[]).choices[0].message.content\n"
    )
    runner = "import openai\n\n\ndef run(helper):\n    exec(helper.draft_script('x'))\n"
    report = _audit(tmp_path, {"gen.py": gen, "runner.py": runner}, ["LLM203"])
    assert [(f.path, f.line, f.message) for f in report.findings] == [("runner.py", 5, "model output passed to exec()")]


def test_a_local_method_sharing_a_name_with_a_project_output_function_is_not_model_output(tmp_path: Path) -> None:
    """other.py imports nothing from gen.py and runs no strings: its own summarize_text() is not
    taken for gen.py's, so parsing its JSON is not parsing model output."""
    gen = (
        "from openai import OpenAI\n\nclient = OpenAI(timeout=30)\n\n\n"
        "def summarize_text(task):\n"
        "    return client.chat.completions.create(model='gpt-4o', messages=[]).choices[0].message.content\n"
    )
    other = (
        "from json import loads\n\nfrom openai import OpenAI\n\nclient = OpenAI(timeout=30)\n\n\n"
        "class Doc:\n    def summarize_text(self):\n        return '{}'\n\n\n"
        "def answer(q):\n    return client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': q}])\n\n\n"
        "data = loads(Doc().summarize_text())\n"
    )
    report = _audit(tmp_path, {"gen.py": gen, "other.py": other}, ["LLM501"])
    assert report.llm_calls == 2 and report.findings == []


def test_llm101_judges_a_call_by_what_round_one_saw_of_a_client_whose_module_vanished(tmp_path: Path) -> None:
    """llm.py is removed after round one (it would be read again: it imports the URL). app.py's
    call through its client is still judged by the client round one saw: a finding without a
    timeout anywhere, none with one."""
    for timeout, found in (
        ("", ["chat.completions.create sets no timeout and its client (llm.py:5) has none"]),
        ("timeout=5, ", []),
    ):
        (tmp_path / "config.py").write_text("OPENAI_URL = 'https://api.openai.com/v1'\n")
        (tmp_path / "llm.py").write_text(
            f"from openai import OpenAI\n\nfrom config import OPENAI_URL\n\nclient = OpenAI({timeout}base_url=OPENAI_URL)\n"
        )
        (tmp_path / "app.py").write_text(
            "from llm import client\n\nclient.chat.completions.create(model='gpt-4o', messages=[])\n"
        )
        report = audit(
            AuditRequest(path=str(tmp_path), select=["LLM101"], jobs=1),
            lambda done, total: (tmp_path / "llm.py").unlink() if done == total else None,  # round one is over
        )
        assert {s.path: s.reason for s in report.skipped} == {"llm.py": "unreadable: No such file or directory"}
        assert [f.message for f in report.findings if f.path == "app.py"] == found


def test_a_model_named_by_a_constant_of_a_settings_module_gives_the_call_its_provider(tmp_path: Path) -> None:
    """app.py's litellm call takes `model=MODEL` from config.py: round two reads it again with the
    index, so the call is known to reach anthropic (and the project to have no fallback)."""
    report = _audit(
        tmp_path,
        {
            "config.py": "import os\n\nMODEL = 'claude-sonnet-4-6'\nKEY = os.environ.get('ANTHROPIC_API_KEY')\n",
            "app.py": (
                "import litellm\n\nfrom config import MODEL\n\n\ndef ask(q):\n"
                "    return litellm.completion(model=MODEL, messages=[], timeout=9, max_tokens=99)\n"
            ),
        },
        ["LLM103"],
    )
    assert [(s.path, s.line, s.provider) for s in report.call_sites] == [("app.py", 7, "anthropic")]
    assert [(f.rule, f.path, f.line) for f in report.findings] == [("LLM103", "app.py", 7)]


def test_a_raw_call_to_an_endpoint_constant_is_found_in_a_file_that_names_no_llm_library(tmp_path: Path) -> None:
    """app.py holds no key, SDK or URL of its own: only the constant's name brings it to round two.
    A file that shares only a plain text constant's name (GREETING) is not read."""
    report = _audit(
        tmp_path,
        {
            "config.py": "OPENAI_URL = 'https://api.openai.com/v1/chat/completions'\nGREETING = 'hello there'\n",
            "app.py": "import requests\n\nfrom config import OPENAI_URL\n\n\ndef ask(q):\n    return requests.post(OPENAI_URL, json={})\n",
            "hello.py": "from config import GREETING\n\n\ndef greet():\n    print(GREETING)\n",
        },
        ["LLM101"],
    )
    assert [(s.path, s.line, s.resolution) for s in report.call_sites] == [("app.py", 7, "config URL")]
    assert [(f.path, f.line, f.message) for f in report.findings] == [
        ("app.py", 7, "raw requests call to openai without a timeout")
    ]
    assert report.files_parsed == 2
