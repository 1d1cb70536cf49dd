"""The README's commands, run as shown: its console blocks are checked against real output.

A ```console block holds commands (`$ llmwright …`, continued with a trailing `\\`) each
followed by what the terminal shows (stdout, then stderr, in order). In that output `…`
stands for any text within a line (a latency, a path) and a line of just `...` for any
number of lines (a trimmed listing). Commands that call a provider run against the
loopback fake provider (`README_ANSWERS` says what each model answers); everything else
runs offline on today's catalog, so a model that retires, or a price that changes, makes
the README's output drift and tests/test_readme_commands.py fail. `LLMWRIGHT_TODAY` is
set to today (UTC): prices are read at 00:00 of the day, since some vary by the hour
(off-peak rates), and the output must not depend on when in the day the tests run.

`python -m tests.support.readme_commands` rewrites every block whose output drifted with
the real output (wildcards in a rewritten block are lost: put them back where a value
varies from run to run).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .cli import ROOT, llmwright_command
from .fake_provider import FakeProvider

README = ROOT / "README.md"
CONSOLE = re.compile(r"^```console\n(?P<body>.*?)^```", re.DOTALL | re.MULTILINE)
CODE = re.compile(r"^```[\w-]*\n(?P<body>.*?)^```", re.DOTALL | re.MULTILINE)
MODEL_REF = re.compile(r"(?<![\w.-])([a-z][a-z0-9_]*:[A-Za-z0-9][\w.\-/@]*(?::[\w.\-]+)?)")
ANY_TEXT, ANY_LINES = "…", "..."
# What each model answers in the README's world (the fake provider; the rest get its default answer).
README_ANSWERS = {
    "claude-sonnet-4-6": "Hi!",
    "gpt-4o-mini": "Billing",
    "qwen/qwen3-32b": '{"category": "billing", "priority": "high"}',
    "gpt-4o": "bug",
}
FAKE_PROVIDERS = {"openai": "p1", "anthropic": "p2", "groq": "p3", "mistral": "p4"}


@dataclass
class Example:
    """One `$ command` of a console block and the output shown under it."""

    command: str
    expected: list[str]
    block: int
    line: int = 0
    raw: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.args = shlex.split(self.command)


def console_examples(text: str) -> list[Example]:
    examples: list[Example] = []
    for number, block in enumerate(CONSOLE.finditer(text)):
        first_line = text[: block.start()].count("\n") + 2
        lines = block["body"].splitlines()
        index = 0
        while index < len(lines):
            line = lines[index]
            if not line.startswith("$ "):
                raise ValueError(f"README.md:{first_line + index}: console output before any `$ command`: {line!r}")
            start = index
            command = line[2:]
            while command.endswith("\\"):
                index += 1
                command = command[:-1].rstrip() + " " + lines[index].strip()
            index += 1
            raw = lines[start:index]
            output = []
            while index < len(lines) and not lines[index].startswith("$ "):
                output.append(lines[index])
                index += 1
            examples.append(Example(command, output, number, first_line + start, raw))
    return examples


def shown_commands(text: str) -> list[str]:
    """Every `llmwright …` command line in any code block of the README (continuations joined)."""
    commands = []
    for block in CODE.finditer(text):
        joined = block["body"].replace("\\\n", " ")
        for line in joined.splitlines():
            found = re.search(r"(?:^|\$ |- run: |&& )(llmwright\s.*)$", line.strip())
            if found:
                commands.append(found.group(1).split("  #")[0].strip())
    return commands


def model_refs(text: str) -> list[str]:
    return sorted({ref.rstrip(".,:;-") for ref in MODEL_REF.findall(text)})


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether `actual` lines fit the `expected` lines with their `…` and `...` wildcards."""
    pattern = ""
    for line in expected:
        line = line.rstrip()
        if line.strip() == ANY_LINES:
            pattern += r"(?:[^\n]*\n)*?"
        else:
            pattern += ".*?".join(re.escape(part) for part in line.split(ANY_TEXT)) + r"\n"
    return re.fullmatch(pattern, "".join(f"{line.rstrip()}\n" for line in actual), re.DOTALL) is not None


@contextmanager
def readme_world() -> Iterator[dict[str, str]]:
    """The environment README commands run in: today's catalog offline, providers on the loopback fake."""
    with FakeProvider() as fake, tempfile.TemporaryDirectory(prefix="llmwright-readme-") as tmp:
        fake.answers.update(README_ANSWERS)
        config = Path(tmp) / "llmwright.toml"
        tables = [
            f'[providers.{name}]\nbase_url = "{fake.url(path, "anthropic" if name == "anthropic" else "openai")}"'
            for name, path in FAKE_PROVIDERS.items()
        ]
        config.write_text("\n".join([*tables, '[cache]\nbackend = "off"', f'[gateway]\nledger_path = "{tmp}/u.jsonl"']))
        env = {k: v for k, v in os.environ.items() if not k.startswith("LLMWRIGHT_") and k not in ("COLUMNS", "LINES")}
        env |= {
            "LLMWRIGHT_TODAY": datetime.now(tz=UTC).date().isoformat(),
            "LLMWRIGHT_CONFIG": str(config),
            "LLMWRIGHT_DATA_DIR": f"{tmp}/data",
            "LLMWRIGHT_CACHE_DIR": f"{tmp}/cache",
            "PYTHONUNBUFFERED": "1",
            "OPENAI_API_KEY": "sk-readme-000000000000000000000000",
            "ANTHROPIC_API_KEY": "sk-ant-readme-0000000000000000000000",
            "GROQ_API_KEY": "gsk_readme_000000000000000000000000",
            "MISTRAL_API_KEY": "readme-mistral-00000000000000000000",
        }
        yield env


def run(example: Example, env: dict[str, str]) -> list[str]:
    """What the terminal shows for the example's command (stdout and stderr, in the order written)."""
    if example.args[0] != "llmwright":
        raise ValueError(f"README.md:{example.line}: console blocks run llmwright only: {example.command!r}")
    result = subprocess.run(
        [*llmwright_command(), *example.args[1:]],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    return result.stdout.rstrip("\n").splitlines()


def rewrite() -> list[str]:
    """Replace the output of every drifted example with the real one; returns the commands rewritten."""
    text = README.read_text(encoding="utf-8")
    examples = console_examples(text)
    rewritten = []
    with readme_world() as env:
        actual = {id(e): run(e, env) for e in examples}
    blocks = list(CONSOLE.finditer(text))
    for number in reversed(range(len(blocks))):
        mine = [e for e in examples if e.block == number]
        if all(matches(e.expected, actual[id(e)]) for e in mine):
            continue
        body = []
        for e in mine:
            body += e.raw
            body += e.expected if matches(e.expected, actual[id(e)]) else actual[id(e)]
            if not matches(e.expected, actual[id(e)]):
                rewritten.append(e.command)
        block = blocks[number]
        text = text[: block.start("body")] + "\n".join(body) + "\n" + text[block.end("body") :]
    README.write_text(text, encoding="utf-8")
    return rewritten


if __name__ == "__main__":
    changed = rewrite()
    print("\n".join(f"rewrote the output of: {c}" for c in changed) or "every README example matches its output")
