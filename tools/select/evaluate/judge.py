"""The judged check: a rubric graded by a judge model through the gateway, its cost counted apart.

```json
{"input": "A customer asks for a refund after 40 days", "judge": {"model": "openai:gpt-4o-mini",
 "rubric": "Declines politely and names the 30-day refund window"}}
```

The judge sees the rubric, the prompt the candidate was given and the candidate's answer,
and must reply PASS or FAIL on its first line (a reason may follow). A reply that is neither
is a miss that says so: a judge that rambles must not pass answers by default. The judge's
calls go through the same gateway (limits, retries, cache, ledger) and their cost is reported
beside the candidates', never inside a candidate's cost per case.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from llmwright.catalog import split_ref
from llmwright.errors import InvalidInput
from llmwright.gateway import CallRequest

from .verdict import Verdict

JUDGE_KEYS = ("model", "rubric")
JUDGE_SYSTEM = (
    "You grade one answer against a rubric. Reply with PASS or FAIL alone on the first line, "
    "then one sentence saying why. Grade only what the rubric asks."
)
JUDGE_MAX_TOKENS = 200
VERDICT = re.compile(r"^\W*(PASS|FAIL)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Judged:
    model: str
    rubric: str
    kind: str = "judge"

    def judge(self, answer: str) -> Verdict:
        """Only `grade_request` and `verdict` are used: grading needs the judge model's reply."""
        return Verdict(False, "a judged case is graded by its judge model")

    def expected(self) -> Any:
        return {"model": self.model, "rubric": self.rubric}

    def grade_request(self, asked: CallRequest, answer: str) -> CallRequest:
        prompt = "\n".join(
            [
                f"Rubric:\n{self.rubric}",
                "",
                f"Prompt the model was given:\n{_prompt_text(asked)}",
                "",
                f"Answer to grade:\n{answer}",
            ]
        )
        return CallRequest(
            messages=[{"role": "user", "content": prompt}], system=JUDGE_SYSTEM, max_tokens=JUDGE_MAX_TOKENS
        )

    @staticmethod
    def verdict(reply: str) -> Verdict:
        found = VERDICT.match(reply.strip())
        if found is None:
            return Verdict(False, f"the judge gave no PASS/FAIL verdict: {reply.strip()[:60]!r}")
        reason = reply.strip()[found.end() :].strip(" :-—\n") or "no reason given"
        if found.group(1).upper() == "PASS":
            return Verdict(True, "")
        return Verdict(False, f"judge: {reason[:160]}")


def _prompt_text(request: CallRequest) -> str:
    parts = [f"[system] {request.system}"] if request.system else []
    for message in request.messages:
        content = message.get("content")
        text = content if isinstance(content, str) else str(content)
        parts.append(f"[{message.get('role')}] {text}")
    return "\n".join(parts)


def build_judged(value: Any, case: dict[str, Any]) -> Judged:
    """`judge: {model, rubric}` from a case, or an InvalidInput naming what is wrong."""
    if not isinstance(value, dict):
        raise InvalidInput('judge must be an object, e.g. {"model": "openai:gpt-4o-mini", "rubric": "..."}')
    for key in value:
        if key not in JUDGE_KEYS:
            close = difflib.get_close_matches(str(key), JUDGE_KEYS, n=1, cutoff=0.5)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise InvalidInput(f"unknown judge key {key!r}.{hint} A judge has model and rubric")
    model, rubric = value.get("model"), value.get("rubric")
    if not isinstance(model, str) or not model.strip():
        raise InvalidInput("judge.model must name the judge model, e.g. openai:gpt-4o-mini")
    split_ref(model)
    if not isinstance(rubric, str) or not rubric.strip():
        raise InvalidInput("judge.rubric must say what a passing answer does")
    return Judged(model.strip(), rubric.strip())
