"""The tests to run for one mutant: those that ran its changed statement in the baseline
(`coverage_map.py` wrote which), in the selection's own order, or None for the whole selection.

None when the changed statement is not inside a function body (module and class level code, and
`def` lines with their decorators and defaults, run at import, and a mutant there can change what
every test sees), when it ran outside any test (at import or collection), or when no test ran it
in this process (it may run only in a subprocess a test starts). The fork server's client
confirms every pass of a partial run with the whole selection, so a deselection can cost time but
never turn a kill into a survival. Kept free of heavy imports: the client is a cold interpreter
started once per mutant.
"""

from __future__ import annotations

import ast
import difflib

# A pytest run that takes this many times its tests' traced baseline, plus the slack, has hung: a
# kill, as cosmic-ray counts a timeout. Traced tests run slower than untraced ones, so the cap
# leaves more than tenfold room for a loaded machine; modules.toml's timeout_s stays the ceiling.
HUNG_FACTOR = 10.0
HUNG_SLACK_S = 10.0
OUTSIDE = ""  # coverage's context for lines run before the first test: imports and collection
SHARED = "fixture "  # prefix of the context of a fixture set up once for several tests


def changed_line_numbers(original: str, mutated: str) -> set[int]:
    """Lines of the original (1-based) that the mutant changed, deleted or inserted next to."""
    changed: set[int] = set()
    matcher = difflib.SequenceMatcher(None, original.splitlines(), mutated.splitlines(), autojunk=False)
    for tag, start, end, _, _ in matcher.get_opcodes():
        if tag != "equal":
            changed.update(range(start + 1, end + 1) if end > start else (start, start + 1))
    return changed


def statement_lines(tree: ast.Module, line: int) -> tuple[set[int], bool]:
    """The lines of the innermost statement (or `except` clause) holding `line`, without the
    statements nested in it, and whether it runs only when a function is called (not at import:
    module and class level code, a `def` line with its decorators and defaults)."""
    holders: list[tuple[int, set[int], bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(node, field, None) or []:
                if isinstance(child, ast.match_case):
                    visit(child, in_function)
                    continue
                if not isinstance(child, ast.stmt | ast.excepthandler):
                    continue
                start = min([child.lineno, *(d.lineno for d in getattr(child, "decorator_list", []))])
                end = child.end_lineno or child.lineno
                if not start <= line <= end:
                    continue
                nested = [
                    (min([n.lineno, *(d.lineno for d in getattr(n, "decorator_list", []))]), n.end_lineno or n.lineno)
                    for f in ("body", "orelse", "finalbody", "handlers")
                    for n in getattr(child, f, None) or []
                    if isinstance(n, ast.stmt | ast.excepthandler)
                ]
                own = {n for n in range(start, end + 1) if not any(a <= n <= b for a, b in nested)}
                own |= {child.lineno, start}  # the header, even when a nested statement shares its line
                holders.append((end - start, own, in_function))
                visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(tree, False)
    if not holders:
        return {line}, False
    _, own, in_function = min(reversed(holders), key=lambda h: h[0])  # the innermost of equal spans
    at_import = any(not inside and line in lines for _, lines, inside in holders)
    return own | {line}, in_function and not at_import


def selection(coverage_map: dict, original: str, mutated: str) -> list[str] | None:
    """The tests that run the mutated statement, in the order the whole selection runs them (a test
    may depend on what earlier ones warmed up: gateway.link's 0.3 s-deadline test fails when it is the
    first to load the catalog); None for the whole selection."""
    tests: dict[str, dict] = coverage_map["tests"]
    tree = ast.parse(original)
    reached: set[str] = set()
    for line in changed_line_numbers(original, mutated):
        lines, in_function = statement_lines(tree, line)
        if not in_function:
            return None
        contexts = {c for n in lines for c in coverage_map["lines"].get(str(n), [])}
        if OUTSIDE in contexts:
            return None
        shared = {c.removeprefix(SHARED) for c in contexts if c.startswith(SHARED)}
        reached |= {t for t in contexts if t in tests}
        reached |= {t for t, facts in tests.items() if shared & set(facts["fixtures"])}
    if not reached or reached == set(tests):
        return None
    reached |= {t for t, facts in tests.items() if facts["failed"]}
    return [t for t in tests if t in reached]


def changed_lines(diff: str) -> tuple[str, str]:
    """A mutant as modules.toml lists an equivalent: its changed line before and after, trimmed."""
    lines = diff.splitlines()
    before = " ".join(x[1:].strip() for x in lines if x.startswith("-") and not x.startswith("---"))
    after = " ".join(x[1:].strip() for x in lines if x.startswith("+") and not x.startswith("+++"))
    return before.strip(), after.strip()  # a removed blank line (a decorator's) must not change the key


def mutation_diff(original: str, mutated: str) -> str:
    """The diff cosmic-ray records for a mutant."""
    return "\n".join(difflib.unified_diff(original.split("\n"), mutated.split("\n"), lineterm=""))


def listed_equivalent(coverage_map: dict, original: str, mutated: str) -> bool:
    """Whether modules.toml lists this mutant as equivalent: its survival then needs no confirmation,
    since a kill and a listed survival score alike."""
    before, after = changed_lines(mutation_diff(original, mutated))
    return [before, after] in coverage_map.get("equivalent", [])


def time_cap(coverage_map: dict, tests: list[str] | None, ceiling: float) -> float:
    """How long one pytest run over `tests` (None: the whole selection) may take before it counts as hung."""
    baseline = coverage_map["tests"]
    seconds = sum(facts.get("seconds", ceiling) for name, facts in baseline.items() if tests is None or name in tests)
    return min(ceiling, HUNG_SLACK_S + HUNG_FACTOR * seconds)


def test_caps(coverage_map: dict) -> dict[str, float]:
    """How long each test may take before it counts as hung: its baseline with the setup of the shared
    fixtures it uses (in a partial run it may be the one that sets them up), ten times, plus the slack."""
    setups = coverage_map.get("fixtures", {})
    return {
        name: HUNG_SLACK_S + HUNG_FACTOR * (facts["seconds"] + sum(setups.get(f, 0.0) for f in facts["fixtures"]))
        for name, facts in coverage_map["tests"].items()
        if "seconds" in facts
    }
