"""A gateway worker process for the multi-process tests: N concurrent calls, then a JSON summary.

python -m tests.support.gateway_worker CONFIG_JSON CALLS START_AT [MAX_TOKENS]

Imports and builds everything first, then sleeps until START_AT (a `time.monotonic()` value,
one clock for every process on the host) so the workers' traffic overlaps, and prints
{"outcomes": {class name: count}, "tokens": billed tokens, "sent": [when each attempt was sent]}
on stdout.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter

from llmwright.config import Config
from llmwright.gateway import CallRequest, Gateway, LLMError

MODEL = "openai:gpt-4o-mini"


async def main(config: Config, calls: int, start_at: float, max_tokens: int) -> None:
    outcomes: Counter[str] = Counter()
    tokens = 0
    sent: list[float] = []
    async with Gateway(config) as gateway:
        await gateway.targets([MODEL])

        async def one(i: int) -> None:
            nonlocal tokens
            request = CallRequest.from_prompt(f"worker call {i}", max_tokens=max_tokens, deadline_s=60, cache_ttl_s=0)
            try:
                result = await gateway.complete(request, MODEL)
            except LLMError as exc:
                outcomes[type(exc).__name__] += 1
                return
            outcomes["result"] += 1
            tokens += sum(a.input_tokens + a.output_tokens for a in result.attempts)
            sent.extend(a.started_at for a in result.attempts if a.outcome != "skipped" and a.started_at)

        await asyncio.sleep(max(start_at - time.monotonic(), 0))
        await asyncio.gather(*(one(i) for i in range(calls)))
    print(json.dumps({"outcomes": outcomes, "tokens": tokens, "sent": sent}))


if __name__ == "__main__":
    arguments = sys.argv[1:]
    asyncio.run(
        main(
            Config.model_validate_json(arguments[0]),
            int(arguments[1]),
            float(arguments[2]),
            int(arguments[3]) if len(arguments) > 3 else 50,
        )
    )
