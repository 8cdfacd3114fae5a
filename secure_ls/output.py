"""Printing findings for `secure-ls check`: text, JSON and SARIF 2.1.0."""

from __future__ import annotations

import json
import os
from pathlib import Path

from secure_ls import __version__, project
from secure_ls.engine.model import Finding, Severity

_SARIF_LEVEL = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note", Severity.INFO: "note"}


def text(results: list[tuple[str, list[Finding]]], errors: list[str], baselined: int | None = None, notebooks: dict | None = None) -> str:
    lines = []
    for path, findings in results:
        notebook = (notebooks or {}).get(path)
        for f in findings:
            fix = " [*]" if f.fix and f.fix.safe and f.fix.bulk else (" [fix in editor]" if f.fix and f.fix.safe else " [unsafe fix]" if f.fix else "")
            if notebook is not None:  # `analysis.ipynb: cell 3, line 2, column 5:`
                cell, line, column = notebook.cell_position(f.span.start.line, f.span.start.column)
                where = f"{path}: cell {cell}, line {line + 1}, column {column + 1}:"
            else:
                where = f"{path}:{f.span.start.line + 1}:{f.span.start.column + 1}:"
            lines.append(f"{where} {f.rule_id} {f.message}{fix}")
    lines.extend(errors)
    total = sum(len(f) for _, f in results)
    fixable = sum(1 for _, fs in results for f in fs if f.fix and f.fix.safe and f.fix.bulk)
    if baselined is not None:  # --baseline: the findings shown are the new ones
        known = f"{baselined} in the baseline not shown"
        if total:
            lines.append(f"Found {total} new finding{'s' if total != 1 else ''} ({fixable} fixable with --fix); {known}.")
        else:
            lines.append(f"No new findings ({known}).")
    elif total:
        lines.append(f"Found {total} finding{'s' if total != 1 else ''} ({fixable} fixable with --fix).")
    else:
        lines.append("No findings.")
    return "\n".join(lines)


def as_json(
    results: list[tuple[str, list[Finding]]],
    errors: list[str],
    fingerprints: dict[str, list[str]] | None = None,
    baselined: int | None = None,
    warnings: list[str] | None = None,
    notebooks: dict | None = None,
) -> str:
    items = []
    for path, findings in results:
        prints = (fingerprints or {}).get(path) or [None] * len(findings)
        notebook = (notebooks or {}).get(path)
        for f, print_ in zip(findings, prints):
            items.append(
                {
                    "path": path,
                    "rule": f.rule_id,
                    "name": f.rule_name,
                    "cwe": f"CWE-{f.cwe}" if f.cwe else None,
                    "severity": f.severity.name.lower(),
                    "confidence": f.confidence.name.lower(),
                    "message": f.message,
                    "range": {
                        "start": {"line": f.span.start.line + 1, "column": f.span.start.column + 1},
                        "end": {"line": f.span.end.line + 1, "column": f.span.end.column + 1},
                    },
                    "fix": {"title": f.fix.title, "safe": f.fix.safe} if f.fix else None,
                    "fix_available": f.fix is not None,
                    "fingerprint": print_,
                }
            )
            if notebook is not None:  # lines and columns within the cell; `cell` counts every cell from 1
                cell, line, column = notebook.cell_position(f.span.start.line, f.span.start.column)
                end_cell, end_line, end_column = notebook.cell_position(f.span.end.line, f.span.end.column)
                if end_cell != cell:
                    end_line, end_column = line, column
                items[-1]["cell"] = cell
                items[-1]["range"] = {"start": {"line": line + 1, "column": column + 1}, "end": {"line": end_line + 1, "column": end_column + 1}}
    report = {"version": __version__, "findings": items, "errors": errors, "warnings": warnings or []}
    if baselined is not None:
        report["baselined"] = baselined
    return json.dumps(report, indent=2)


def sarif(
    results: list[tuple[str, list[Finding]]],
    errors: list[str],
    root: str | None = None,
    fingerprints: dict[str, list[str]] | None = None,
    states: dict[str, list[str]] | None = None,
    warnings: list[str] | None = None,
    notebooks: dict | None = None,
) -> str:
    """SARIF 2.1.0. `fingerprints` become `partialFingerprints`; `states` (with --baseline)
    `baselineState` ("new" or "unchanged"); `warnings` are warning notifications."""
    from secure_ls.rules import all_rules, rule_by_id

    used = {f.rule_id for _, fs in results for f in fs}
    rules = [r for r in all_rules() if r.id in used]
    rule_index = {r.id: i for i, r in enumerate(rules)}
    extra_ids = sorted(used - set(rule_index))
    descriptors = [_descriptor(r) for r in rules]
    for rule_id in extra_ids:
        rule_index[rule_id] = len(descriptors)
        sample = next(f for _, fs in results for f in fs if f.rule_id == rule_id)
        descriptors.append({"id": rule_id, "name": sample.rule_name, "shortDescription": {"text": sample.rule_name}})
    sarif_results = []
    declarations: dict = {}  # (folder, distributions) -> the dependency file's edit: read once per run
    for path, findings in results:
        uri = _uri(path)
        prints = (fingerprints or {}).get(path) or [None] * len(findings)
        baseline_states = (states or {}).get(path) or [None] * len(findings)
        notebook = (notebooks or {}).get(path)

        def region(span, allow_empty: bool = False):
            return _region(span, allow_empty) if notebook is None else _notebook_region(notebook, span)

        for f, print_, state in zip(findings, prints, baseline_states):
            result = {
                "ruleId": f.rule_id,
                "ruleIndex": rule_index[f.rule_id],
                "level": _SARIF_LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region(f.span)}}],
                "properties": {"confidence": f.confidence.name.lower(), "severity": f.severity.name.lower()},
            }
            if notebook is not None:
                cell, line, column = notebook.cell_position(f.span.start.line, f.span.start.column)
                result["properties"].update(cell=cell, cellLine=line + 1, cellColumn=column + 1)
                result["locations"][0]["logicalLocations"] = [{"name": f"cell {cell}", "kind": "module"}]
            if print_:
                result["partialFingerprints"] = {"secureLs/statement/v1": print_}
            if state:
                result["baselineState"] = state
            if f.related:
                result["relatedLocations"] = [
                    {"id": i, "message": {"text": r.message}, "physicalLocation": {"artifactLocation": {"uri": uri}, "region": region(r.span)}}
                    for i, r in enumerate(f.related)
                ]
            if f.fix:
                changes = [
                    {
                        "artifactLocation": {"uri": uri},
                        "replacements": [
                            {"deletedRegion": _region(e.span, allow_empty=True), "insertedContent": {"text": e.text}} for e in f.fix.edits
                        ],
                    }
                ]
                declared = _declaration(declarations, path, f.fix.requires) if f.fix.requires else None
                if declared is not None:  # the fixed code imports a package the project must declare
                    target, _, edit = declared
                    if not Path(path).is_absolute():  # named as the source is: relative to the current folder
                        target = os.path.relpath(target)
                    changes.append(
                        {
                            "artifactLocation": {"uri": _uri(target)},
                            "replacements": [{"deletedRegion": _region(edit.span, allow_empty=True), "insertedContent": {"text": edit.text}}],
                        }
                    )
                result["fixes"] = [{"description": {"text": f.fix.title}, "artifactChanges": changes}]
            sarif_results.append(result)
    del rule_by_id
    run = {
        "tool": {
            "driver": {
                "name": "secure-ls",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": "https://github.com/secure-ls/secure-ls",
                "rules": descriptors,
            }
        },
        "results": sarif_results,
        "columnKind": "unicodeCodePoints",
    }
    if errors or warnings:
        run["invocations"] = [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [{"level": "error", "message": {"text": e}} for e in errors]
                + [{"level": "warning", "message": {"text": w}} for w in warnings or ()],
            }
        ]
    return json.dumps(
        {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]},
        indent=2,
    )


def _descriptor(rule) -> dict:
    tags = ["security", rule.topic]
    if rule.cwe:
        tags.append(f"external/cwe/cwe-{rule.cwe}")
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.summary()},
        "help": {"text": rule.doc(), "markdown": rule.doc()},
        "helpUri": rule.doc_url(),
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        "properties": {
            "tags": tags,
            "precision": {3: "high", 2: "medium", 1: "low"}[int(rule.confidence)],
            "security-severity": {Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0", Severity.INFO: "1.0"}[rule.severity],
        },
    }


def _declaration(known: dict, path: str, requires: tuple[str, ...]):
    """project.declaration_edit for a fix of a file in `path`'s folder, computed once per folder."""
    key = (os.path.dirname(os.path.abspath(path)), tuple(requires))
    if key not in known:
        known[key] = project.declaration_edit(path, requires)
    return known[key]


def _uri(path: str) -> str:
    """artifactLocation.uri: a URI reference, so spaces, `%`, `#` and the like are percent-encoded."""
    from urllib.parse import quote

    file = Path(path)
    if file.is_absolute():
        return file.as_uri()
    return quote(file.as_posix(), safe="/")


def _notebook_region(notebook, span) -> dict:
    """A span of a notebook's code, as the same characters in the .ipynb file's text."""
    start_line, start_column = notebook.file_position(span.start.line, span.start.column)
    if span.end.line == span.start.line:
        end_line, end_column = notebook.file_position(span.end.line, span.end.column)
    else:  # the JSON strings of other lines are elsewhere on other lines: end at this line's end
        end_line, end_column = notebook.file_position(span.start.line, len(notebook.text.split("\n")[span.start.line]))
    if (end_line, end_column) <= (start_line, start_column):
        end_line, end_column = start_line, start_column + 1
    return {"startLine": start_line + 1, "startColumn": start_column + 1, "endLine": end_line + 1, "endColumn": end_column + 1}


def _region(span, allow_empty: bool = False) -> dict:
    region = {
        "startLine": span.start.line + 1,
        "startColumn": span.start.column + 1,
        "endLine": span.end.line + 1,
        "endColumn": span.end.column + 1,
    }
    return region
