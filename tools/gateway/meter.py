"""What one call spends on one link: the reservation before each attempt, and each attempt's bill.

Every attempt the provider may bill carries tokens and a cost in the ledger: the real usage
of an answer, and an estimate (marked `estimated`) for an attempt that gave none back but may
still be billed — a client-side timeout (the provider often finishes the work), a stream cut
after some text, a cancelled call. The estimate is the prompt's tokens at the input price plus
the text that did arrive; an HTTP error answer bills nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from llmwright.usage import Usage

from .budget import Budgets, Cap, Hold
from .errors import BudgetExceeded
from .models import Attempt, CallRequest
from .targets import Target, output_estimate


class Meter:
    def __init__(
        self,
        target: Target,
        request: CallRequest,
        caps: Sequence[Cap] = (),
        budgets: Budgets | None = None,
        warn_at: float = 0.8,
        holds: list[Hold] | None = None,
    ) -> None:
        self.target, self.request = target, request
        self.caps, self.budgets, self.warn_at = tuple(caps), budgets, warn_at
        self.holds = holds if holds is not None else []
        self.warnings: list[str] = []
        self._input: int | None = None

    async def input_tokens(self) -> int:
        """The prompt's tokens, counted once per call and link."""
        if self._input is None:
            self._input = await self.target.count_input(self.request)
        return self._input

    def price(self, usage: Usage) -> float | None:
        from llmwright.cost import cost_of_usage

        return cost_of_usage(self.target.info, usage)

    async def reserve(self) -> Hold | None:
        """Reserve this attempt's pessimistic cost against the caps; raises `BudgetExceeded`."""
        if not self.caps or self.budgets is None:
            return None
        tokens = await self.input_tokens()
        allowance = output_estimate(self.request, self.target.info)
        usd = self.price(Usage(input_tokens=tokens, output_tokens=allowance))
        if usd is None:
            self._refuse_unpriced()
        hold, self.warnings = await self.budgets.reserve(self.caps, tokens + allowance, usd or 0.0, self.warn_at)
        self.holds.append(hold)
        return hold

    def _refuse_unpriced(self) -> None:
        """A dollar cap cannot be kept on a model without a price: refuse, never count it as free."""
        for cap in self.caps:
            if cap.daily_usd is not None:
                raise BudgetExceeded(
                    f"{cap.key} daily_usd",
                    0.0,
                    cap.daily_usd,
                    0.0,
                    message=f"{self.target.ref} has no known price, so the {cap.key} daily_usd cap cannot be kept; "
                    "nothing was sent. Cap it with daily_tokens instead, or use a priced model "
                    "(`llmwright models` lists prices)",
                )

    async def bill(self, attempt: Attempt, hold: Hold | None, usage: Usage | None, partial: str = "") -> Attempt:
        """Write the attempt's tokens and cost (`usage` None: estimate them) and settle its hold."""
        if usage is None or usage.total == 0:
            usage = Usage(input_tokens=await self.input_tokens(), output_tokens=(len(partial) + 3) // 4)
            attempt.estimated = True
        attempt.input_tokens, attempt.output_tokens = usage.input_tokens, usage.output_tokens
        attempt.cost_usd = self.price(usage)
        if hold is not None and self.budgets is not None:
            await self.budgets.settle(hold, usage.total, attempt.cost_usd or 0.0)
        return attempt

    async def unbilled(self, hold: Hold | None) -> None:
        """The attempt was refused before any work (an HTTP error, a refused connection): it costs nothing."""
        if hold is not None and self.budgets is not None:
            await self.budgets.settle(hold, 0.0, 0.0)
