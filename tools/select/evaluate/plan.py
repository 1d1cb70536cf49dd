"""`--dry-run`: what an eval would cost, per candidate and for the judge, before any call is made.

Input tokens are counted per case and per candidate with the estimator (exact where a public
tokenizer exists, a marked estimate elsewhere). Output cannot be counted before the answer
exists, so it is taken from the check where the check fixes it (an `exact` string, the
longest `one_of` label) and otherwise assumed (`ASSUMED_OUTPUT_TOKENS`, stated in the plan);
a model that thinks before answering adds its measured thinking tokens. No provider needs to
be configured and no key is read: only the catalog is.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from llmwright.catalog import Catalog, ModelInfo, get_catalog, load_ratings
from llmwright.cost import DAYS_PER_MONTH, Workload, estimate_cost
from llmwright.errors import InvalidInput, LLMWrightError
from llmwright.tokens import count_conversation, count_text, parse_conversation

from .cases import EvalCase
from .checks import Exact, OneOf
from .judge import JUDGE_MAX_TOKENS, JUDGE_SYSTEM, Judged
from .run import MAX_CANDIDATES

ASSUMED_OUTPUT_TOKENS = 300
JUDGE_VERDICT_TOKENS = 40  # "PASS" and a sentence; the judge is capped at JUDGE_MAX_TOKENS


class PlannedModel(BaseModel):
    model: str
    role: str = Field(description="candidate or judge")
    calls: int
    input_tokens: int
    output_tokens: int
    thinking_tokens: int | None = Field(description="hidden thinking tokens over the run; None = thinks, unmeasured")
    cost_usd: float | None = Field(description="the whole run at list prices; None when the price is unknown")
    cost_per_case_usd: float | None
    cost_per_month_usd: float | None = Field(None, description="at requests_per_day, 30 days")
    notes: list[str] = Field(default_factory=list)


class EvalPlan(BaseModel):
    schema_version: str = "1"
    dry_run: bool = True
    source: str
    cases: int
    candidates: list[PlannedModel]
    judges: list[PlannedModel] = Field(default_factory=list, description="judge calls, counted apart")
    total_usd: float | None = Field(description="every candidate and judge call; None if a price is unknown")
    assumptions: list[str]
    data_version: str


def _output_tokens(case: EvalCase, model: ModelInfo) -> int:
    """Tokens the answer will take: fixed by an exact or one_of check, else assumed."""
    check = case.check
    if isinstance(check, Exact):
        return count_text(check.text, model).tokens
    if isinstance(check, OneOf):
        return max(count_text(label, model).tokens for label in check.labels)
    return ASSUMED_OUTPUT_TOKENS


def _input_tokens(case: EvalCase, model: ModelInfo) -> int:
    messages = list(case.request.messages)
    if case.request.system:
        messages = [{"role": "system", "content": case.request.system}, *messages]
    return count_conversation(parse_conversation(messages), model).tokens


def _price(
    model: ModelInfo, calls: int, tokens_in: int, tokens_out: int, thinking: int, per_day: float | None
) -> tuple[float | None, float | None, float | None]:
    if calls == 0:
        return 0.0, 0.0, None
    try:
        cost = estimate_cost(
            model, Workload(input_tokens=tokens_in, output_tokens=tokens_out, reasoning_tokens=thinking)
        )
    except LLMWrightError:
        return None, None, None
    per_case = cost.per_call_usd / calls
    monthly = per_case * per_day * DAYS_PER_MONTH if per_day else None
    return round(cost.per_call_usd, 6), float(f"{per_case:.6g}"), monthly


def _candidate(model: ModelInfo, cases: list[EvalCase], catalog: Catalog, per_day: float | None) -> PlannedModel:
    rating = load_ratings(catalog).of(model.ref)
    tokens_in = sum(_input_tokens(case, model) for case in cases)
    tokens_out = sum(_output_tokens(case, model) for case in cases)
    thinking: int | None = 0
    notes = []
    if rating is not None and rating.thinks:
        thinking = rating.thinking_tokens * len(cases) if rating.thinking_tokens else None
        notes.append(
            "thinks before answering: thinking tokens included"
            if thinking is not None
            else "thinks before answering; its thinking tokens are unmeasured, so the cost is a floor"
        )
    cost, per_case, monthly = _price(model, len(cases), tokens_in, tokens_out, thinking or 0, per_day)
    if cost is None:
        notes.append("no known price")
    return PlannedModel(
        model=model.ref,
        role="candidate",
        calls=len(cases),
        input_tokens=tokens_in,
        output_tokens=tokens_out,
        thinking_tokens=thinking,
        cost_usd=cost,
        cost_per_case_usd=per_case,
        cost_per_month_usd=monthly,
        notes=notes,
    )


def _judges(cases: list[EvalCase], candidates: list[PlannedModel], catalog: Catalog) -> list[PlannedModel]:
    """Each judge grades every candidate's answer to its cases: rubric, prompt and answer in, a verdict out."""
    judged: dict[str, list[tuple[EvalCase, Judged]]] = {}
    for case in cases:
        if isinstance(case.check, Judged):
            judged.setdefault(case.check.model, []).append((case, case.check))
    found = []
    for ref, its_cases in judged.items():
        model = catalog.resolve(ref)
        calls = len(its_cases) * len(candidates)
        per_answer = ASSUMED_OUTPUT_TOKENS  # the answer it reads: the candidates' answer is not known yet
        overhead = count_text(JUDGE_SYSTEM, model).tokens
        tokens_in = sum(
            (overhead + count_text(judge.rubric, model).tokens + _input_tokens(case, model) + per_answer)
            * len(candidates)
            for case, judge in its_cases
        )
        tokens_out = JUDGE_VERDICT_TOKENS * calls
        cost, per_case, _ = _price(model, calls, tokens_in, tokens_out, 0, None)
        found.append(
            PlannedModel(
                model=model.ref,
                role="judge",
                calls=calls,
                input_tokens=tokens_in,
                output_tokens=tokens_out,
                thinking_tokens=0,
                cost_usd=cost,
                cost_per_case_usd=per_case,
                notes=[f"grades {len(its_cases)} cases on {len(candidates)} candidates; not in any candidate's cost"],
            )
        )
    return found


def plan_eval(
    cases: list[EvalCase],
    candidates: list[str],
    *,
    source: str = "inline",
    requests_per_day: float | None = None,
    catalog: Catalog | None = None,
) -> EvalPlan:
    """Tokens and dollars per candidate (and judge) for the whole eval, from the estimator; nothing is called."""
    catalog = catalog or get_catalog()
    refs = list(dict.fromkeys(ref.strip() for ref in candidates if ref.strip()))
    if not refs:
        raise InvalidInput("no candidates: give provider:model references, e.g. openai:gpt-4o-mini,groq:llama-3.3-70b")
    if len(refs) > MAX_CANDIDATES:
        raise InvalidInput(f"{len(refs)} candidates; at most {MAX_CANDIDATES} per run")
    planned = [_candidate(catalog.resolve(ref), cases, catalog, requests_per_day) for ref in refs]
    judges = _judges(cases, planned, catalog)
    costs = [p.cost_usd for p in [*planned, *judges]]
    assumptions = [
        "input tokens counted per case and candidate (exact for OpenAI tokenizers, a marked estimate elsewhere)",
        "output tokens: the expected text for exact and one_of cases; "
        f"{ASSUMED_OUTPUT_TOKENS} tokens assumed for the other checks (the answer is not known before the call)",
        "no cache hits assumed; retries not included",
    ]
    if judges:
        assumptions.append(
            f"each judge call reads the rubric, the prompt and a {ASSUMED_OUTPUT_TOKENS}-token answer and writes "
            f"a {JUDGE_VERDICT_TOKENS}-token verdict (capped at {JUDGE_MAX_TOKENS})"
        )
    return EvalPlan(
        source=source,
        cases=len(cases),
        candidates=planned,
        judges=judges,
        total_usd=round(sum(c for c in costs if c is not None), 6) if all(c is not None for c in costs) else None,
        assumptions=assumptions,
        data_version=catalog.data_version,
    )
