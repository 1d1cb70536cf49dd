"""SARIF 2.1.0 for GitHub code scanning: one run, every rule with help text, results with
locations and `partialFingerprints` (so code scanning tracks a finding across commits)."""

from __future__ import annotations

from typing import Any

from ... import __version__
from ..model import AuditReport
from ..rules import rules_by_id

LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}
SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def _rule(rule_id: str) -> dict[str, Any]:
    info = rules_by_id()[rule_id].info()
    return {
        "id": info.id,
        "name": info.name,
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": info.doc.split("\n\n")[1] if "\n\n" in info.doc else info.title},
        "help": {"text": f"{info.doc}\n\nFix: {info.fix}", "markdown": f"{info.doc}\n\n**Fix:** {info.fix}"},
        "helpUri": f"https://github.com/llmwright/llmwright#{info.id.lower()}",
        "defaultConfiguration": {"level": LEVEL[info.severity]},
        "properties": {
            "category": info.category,
            "tags": sorted({info.category, "llm"}),
            "security-severity": SECURITY_SEVERITY[info.severity],
        },
    }


def to_sarif(report: AuditReport) -> dict[str, Any]:
    rule_ids = sorted(set(report.rules_run) | {f.rule for f in report.findings})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": LEVEL[f.severity],
            "message": {"text": f"{f.message}. Fix: {f.fix}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": max(f.end_line, f.line),
                            "snippet": {"text": f.snippet},
                        },
                    }
                }
            ],
            "partialFingerprints": {"llmwright/v1": f.fingerprint},
            "properties": {
                "severity": f.severity,
                "category": f.category,
                "resolution": f.resolution,
                "unverified": f.unverified,
            },
        }
        for f in report.findings
    ]
    notifications = [
        {
            "level": "note",
            "message": {"text": f"skipped {s.path}: {s.reason}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": s.path, "uriBaseId": "%SRCROOT%"}}}],
        }
        for s in report.skipped
    ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "llmwright",
                        "version": __version__,
                        "informationUri": "https://github.com/llmwright/llmwright",
                        "rules": [_rule(r) for r in rule_ids],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": "file://" + report.root.rstrip("/") + "/"}},
                "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
                "results": results,
                "properties": {
                    "scores": [s.model_dump() for s in report.scores],
                    "files_analyzed": report.files_analyzed,
                    "files_parsed": report.files_parsed,
                    "call_sites": report.llm_calls,
                    "call_sites_by_kind": report.call_sites_by_kind,
                    "unverified": report.unverified,
                },
            }
        ],
    }
