"""Re-score an audit build against the hand labels in labels.json: coverage, precision, recall, scores.

Run: python bench/realworld/score.py --corpus DIR [--mirrors DIR] [--repo NAME] [--reports DIR] [--json FILE]

`--corpus DIR` holds one folder per repository (`DIR/khoj`, …) with its files at the pinned
commit; `--mirrors DIR` fills missing folders from git mirrors there (`DIR/<owner>+<name>/repo`
or `DIR/<name>.git`) with `git archive <commit>`. The audit runs in-process on each
repository's `path` (with the labels' excludes), unless `--reports DIR` points at saved
`--format json` reports named `<name>.json` (to score another build, e.g. an older one).

Figures:
* call-site coverage — hand-counted call sites the report lists (same path and line);
* per rule: precision = true / (true + false) over the labelled findings the report contains,
  for confirmed and for unverified findings apart; recall = labelled true findings and
  recorded misses the report contains / all of them;
* unlabelled findings are listed: label them before trusting the figures;
* each repository's readiness score, and the medians of the "careful" and "careless" groups.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT_RULES = {"LLM103", "LLM106", "LLM401"}


def _extract(repo: dict, corpus: Path, mirrors: Path | None) -> Path:
    target = corpus / repo["name"]
    if target.is_dir() or mirrors is None:
        return target
    owner, name = repo["repository"].split("/")
    for git_dir in (mirrors / f"{owner}+{name}" / "repo", mirrors / f"{name}.git", mirrors / name):
        if git_dir.is_dir():
            target.mkdir(parents=True)
            with tempfile.TemporaryFile() as archive:
                subprocess.run(
                    ["git", "--git-dir", str(git_dir), "archive", repo["commit"]], stdout=archive, check=True
                )
                archive.seek(0)
                with tarfile.open(fileobj=archive) as tar:
                    tar.extractall(target, filter="data")
            return target
    return target


def _report(repo: dict, root: Path, exclude: list[str], reports: Path | None) -> dict:
    if reports is not None:
        return json.loads((reports / f"{repo['name']}.json").read_text())
    from llmwright.audit import AuditRequest, audit

    result = audit(AuditRequest(path=str(root / repo["path"]), exclude=exclude))
    return json.loads(result.model_dump_json())


def _ratio(found: int, total: int) -> str:
    return f"{found / total:.3f} ({found}/{total})" if total else "n/a"


def score(labels: dict, corpus: Path, mirrors: Path | None, reports: Path | None, only: list[str]) -> dict:
    per_rule: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals = {"sites": 0, "sites_found": 0}
    repos_out = []
    unlabelled: list[str] = []
    for repo in labels["repositories"]:
        if only and repo["name"] not in only:
            continue
        root = _extract(repo, corpus, mirrors)
        if reports is None and not (root / repo["path"]).is_dir():
            print(f"skip {repo['name']}: {root / repo['path']} is missing (use --mirrors)", file=sys.stderr)
            continue
        if reports is not None and not (reports / f"{repo['name']}.json").is_file():
            print(f"skip {repo['name']}: no {repo['name']}.json in {reports}", file=sys.stderr)
            continue
        report = _report(repo, root, labels["exclude"], reports)
        found_findings = {(f["rule"], f["path"], f["line"]): f for f in report["findings"]}
        labels_by_key = {(f["rule"], f["path"], f["line"]): f for f in repo["findings"]}
        listed = report.get("call_sites")
        sites_found = None
        if listed is not None:
            reported = {(s["path"], s["line"]) for s in listed}
            sites_found = sum(1 for s in repo["call_sites"] if (s["path"], s["line"]) in reported)
            totals["sites_found"] += sites_found
        totals["sites"] += len(repo["call_sites"])
        for key, finding in found_findings.items():
            label = labels_by_key.get(key)
            kind = "unverified" if finding.get("unverified") else "confirmed"
            if label is None:
                unlabelled.append(f"{repo['name']}: {key[0]} {key[1]}:{key[2]} {finding['message']}")
                per_rule[key[0]][f"{kind}_unlabelled"] += 1
            else:
                per_rule[key[0]][f"{kind}_{label['verdict']}"] += 1
        expected = {(f["rule"], f["path"], f["line"]) for f in repo["findings"] if f["verdict"] == "tp"}
        expected |= {(m["rule"], m["path"], m["line"]) for m in repo["misses"]}
        # A project-wide finding is one per project, anchored at whichever call comes first.
        expected = {(k[0], "*", 0) if k[0] in PROJECT_RULES else k for k in expected}
        reported_rules = {key[0] for key in found_findings}
        for key in expected:
            per_rule[key[0]]["expected"] += 1
            per_rule[key[0]]["recalled"] += key in found_findings or (key[1] == "*" and key[0] in reported_rules)
        overall = report["scores"][-1]
        repos_out.append(
            {
                "name": repo["name"],
                "group": repo["group"],
                "call_sites": len(repo["call_sites"]),
                "sites_found": sites_found,
                "reported_sites": report.get("llm_calls"),
                "findings": len(report["findings"]),
                "score": overall["score"],
                "grade": overall["grade"],
            }
        )
    return {
        "repositories": repos_out,
        "rules": {r: dict(v) for r, v in sorted(per_rule.items())},
        "totals": totals,
        "unlabelled": unlabelled,
    }


def _print(result: dict) -> None:
    print(f"{'repository':<24}{'group':<10}{'sites':>7}{'found':>7}{'listed':>8}{'findings':>10}{'score':>7} grade")
    for r in result["repositories"]:
        found = "-" if r["sites_found"] is None else r["sites_found"]
        print(
            f"{r['name']:<24}{r['group']:<10}{r['call_sites']:>7}{found!s:>7}{r['reported_sites']!s:>8}"
            f"{r['findings']:>10}{r['score']!s:>7} {r['grade']}"
        )
    totals = result["totals"]
    if totals["sites_found"]:
        print(f"\ncall-site coverage: {_ratio(totals['sites_found'], totals['sites'])}")
    for group in ("careful", "careless"):
        scores = [r["score"] or 0 for r in result["repositories"] if r["group"] == group]
        if scores:
            middle, mean = statistics.median(scores), statistics.mean(scores)
            print(f"{group} repositories: median score {middle:.0f}, mean {mean:.1f}")
    print(f"\n{'rule':<8}{'precision':>20}{'unverified precision':>24}{'recall':>18}{'unlabelled':>12}")
    all_tp = all_fp = all_exp = all_rec = 0
    for rule, c in result["rules"].items():
        tp, fp = c.get("confirmed_tp", 0), c.get("confirmed_fp", 0)
        utp, ufp = c.get("unverified_tp", 0), c.get("unverified_fp", 0)
        unl = c.get("confirmed_unlabelled", 0) + c.get("unverified_unlabelled", 0)
        all_tp, all_fp = all_tp + tp, all_fp + fp
        all_exp, all_rec = all_exp + c.get("expected", 0), all_rec + c.get("recalled", 0)
        print(
            f"{rule:<8}{_ratio(tp, tp + fp):>20}{_ratio(utp, utp + ufp):>24}"
            f"{_ratio(c.get('recalled', 0), c.get('expected', 0)):>18}{unl:>12}"
        )
    print(f"{'all':<8}{_ratio(all_tp, all_tp + all_fp):>20}{'':>24}{_ratio(all_rec, all_exp):>18}")
    if result["unlabelled"]:
        print(f"\n{len(result['unlabelled'])} findings have no label; label them in labels.json:")
        for line in result["unlabelled"][:50]:
            print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="one folder per repository, at the pinned commit")
    parser.add_argument("--mirrors", type=Path, help="git mirrors to extract missing repositories from")
    parser.add_argument("--reports", type=Path, help="score saved JSON reports (<name>.json) instead of running")
    parser.add_argument("--repo", action="append", default=[], help="only this repository (repeatable)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    labels = json.loads((HERE / "labels.json").read_text())
    result = score(labels, args.corpus, args.mirrors, args.reports, args.repo)
    _print(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
