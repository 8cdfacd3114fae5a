"""Turning requirements and OSV records into findings and bump fixes."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from ..engine.model import (
    AnalysisResult,
    Confidence,
    Edit,
    Finding,
    Fix,
    Related,
    Severity,
)
from .advisories import (
    AdvisoryGroup,
    Affected,
    affected_for,
    group_records,
    intersect,
    parse_version,
    specifier_interval,
)
from .files import Dependency, parse_dependency_file
from .osv import ALL, Key, OsvSource

PIN_RULE = ("SLS901", "vulnerable-dependency")
RANGE_RULE = ("SLS902", "vulnerable-dependency-range")
CWE = 1395  # Dependency on Vulnerable Third-Party Component
MAX_LISTED = 4
MAX_FIX_ROUNDS = 6
# How `scan` says that advisories were missing or out of date: warnings, not errors (the
# file was read and parsed; what is missing is data). project.is_advisory_warning.
NO_ADVISORY_DATA = "no advisory data:"
CACHED_ADVISORIES = "Showing cached advisories, which may be out of date."

_LOCK_HINT = {
    "uv.lock": "run `uv lock --upgrade-package {name}`",
    "poetry.lock": "run `poetry update {name}`",
    "pylock": "regenerate the lock file with {name}>={version}",
}


@dataclass
class DependencyOptions:
    enable: bool = True
    offline_dir: str | None = None
    ca_bundle: str | None = None
    base_url: str = "https://api.osv.dev"
    cache_dir: str | None = None
    cache_ttl_hours: float = 24
    timeout: float = 10.0


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _releases_first(versions: Iterable[Version]) -> list[Version]:
    """Final releases in order, then pre-releases: a bump to an alpha is a last resort."""
    unique = set(versions)
    return sorted(v for v in unique if not v.is_prerelease) + sorted(v for v in unique if v.is_prerelease)


def _lower(sev: Severity) -> Severity:
    return Severity(max(Severity.LOW, sev - 1))


class DependencyScanner:
    """Finds known-vulnerable requirements (see the package docstring for the contract)."""

    def __init__(self, options: DependencyOptions | None = None):
        self.options = options or DependencyOptions()
        o = self.options
        self.source = OsvSource(
            offline_dir=o.offline_dir,
            base_url=o.base_url,
            ca_bundle=o.ca_bundle,
            cache_dir=o.cache_dir,
            cache_ttl_hours=o.cache_ttl_hours,
            timeout=o.timeout,
        )
        self._reported: set[str] = set()

    # ------------------------------------------------------------ public API

    def ready(self) -> bool:
        """False while the offline records are not loaded yet: the first lookup would read
        the whole offline-dir (seconds for OSV's all.zip), which the language server must
        not do on the thread that answers requests: it calls `prepare` in a worker first."""
        return self.source.offline is None or self.source.offline.loaded

    def prepare(self) -> None:
        """Loads the offline records (blocking; thread-safe)."""
        if self.source.offline is not None:
            self.source.offline.records("")

    def scan_cached(self, path: str, text: str) -> tuple[AnalysisResult, set[Key]]:
        result, missing = self._scan_cached(path, text)
        if self.source.offline is not None or self.source.backing_off():
            missing = set()
        return result, missing

    def _scan_cached(self, path: str, text: str) -> tuple[AnalysisResult, set[Key]]:
        """scan_cached, with the keys still missing while backing off."""
        result = AnalysisResult()
        missing: set[Key] = set()
        if not self.options.enable:
            return result, missing
        try:
            parsed = parse_dependency_file(path, text)
            result.syntax_errors.extend(parsed.errors)
            result.problems.extend(parsed.problems)
            kind = parsed.kind or ""
            for dep in parsed.dependencies:
                finding = self._evaluate(dep, kind, missing)
                if finding is not None:
                    result.findings.append(finding)
        except Exception as exc:  # noqa: BLE001 - never take the server down
            result.problems.append(f"secure-ls dependency scan of {os.path.basename(path)} failed: {exc!r}")
        for problem in self.source.problems:
            if problem not in self._reported:
                self._reported.add(problem)
                result.problems.append(problem)
        if self.source.offline is not None:
            missing = set()
        return result, missing

    def fetch(self, keys: Iterable[Key]) -> str | None:
        """Fill the cache for `keys` (and the versions a bump would move to)."""
        try:
            return self._fetch(set(keys))
        except Exception as exc:  # noqa: BLE001 - runs in the server's worker thread
            return f"secure-ls failed to fetch vulnerability data: {exc!r}"

    def _fetch(self, todo: set[Key]) -> str | None:
        pins = {k for k in todo if k[1] != ALL}
        done: set[Key] = set()
        for _ in range(MAX_FIX_ROUNDS):
            todo -= done
            if not todo:
                return None
            error = self.source.fetch(todo)
            if error:
                return error
            done |= todo
            # Suggested bumps are checked too: ask about the versions they name
            # (each round verifies one more step of every pin's upgrade path).
            follow: set[Key] = set()
            for name, version in pins:
                records, _ = self.source.lookup((name, version))
                if records:
                    self._lowest_fix(name, parse_version(version), records, follow)
            todo = follow
        return None

    def scan(self, path: str, text: str) -> AnalysisResult:
        """Blocking scan (the command line): fetch what is missing, then answer.

        Every file whose advisories could not be fetched says so, also while backing off
        after an earlier file's failure, and says whether anything cached stood in."""
        result, missing = self._scan_cached(path, text)
        if self.source.offline is not None or not missing:
            return result
        error = self.fetch(missing)
        result, _ = self._scan_cached(path, text)
        if error:
            cause = self.source.last_cause or error.split(". Showing cached results")[0]
            unanswered = {key for key in missing if self.source.lookup(key)[0] is None}
            if unanswered == missing:
                result.problems.append(f"{NO_ADVISORY_DATA} {cause} and nothing cached; dependencies not checked")
            elif unanswered:
                result.problems.append(
                    f"{NO_ADVISORY_DATA} {cause} and nothing cached for {', '.join(sorted(k[0] for k in unanswered))}; "
                    "the other packages were checked against cached advisories"
                )
            else:
                result.problems.append(f"{cause}. {CACHED_ADVISORIES}")
        return result

    def fix_all(self, path: str, text: str, include_ranges: bool = False) -> Fix | None:
        """One fix holding every pin bump of the file ("fix all vulnerable pins")."""
        result, _ = self.scan_cached(path, text)
        return merge_fixes(result, include_ranges)

    # ------------------------------------------------------------ evaluation

    def _evaluate(self, dep: Dependency, kind: str, missing: set[Key]) -> Finding | None:
        if dep.pinned is not None:
            return self._evaluate_pin(dep, kind, missing)
        return self._evaluate_range(dep, missing)

    def _lookup(self, key: Key, missing: set[Key]) -> list[dict[str, Any]] | None:
        records, needs_fetch = self.source.lookup(key)
        if needs_fetch:
            missing.add(key)
        return records

    def _lowest_fix(
        self, name: str, v: Version | None, records: list[dict[str, Any]], missing: set[Key]
    ) -> Version | None:
        """The lowest version above `v` that no listed advisory affects, checked
        against what OSV says about that version itself when it is known."""
        listed = {r["id"]: r for r in records}
        chosen: Version | None = None
        for _ in range(MAX_FIX_ROUNDS):
            affs = [a for a in (affected_for(r, name) for r in listed.values()) if a is not None]
            candidates = _releases_first(f for a in affs for f in a.fixed if v is None or f > v)
            chosen = next((c for c in candidates if not any(a.affects(c) for a in affs)), None)
            if chosen is None:
                return None
            others = self._lookup((name, str(chosen)), missing)
            if others is None:
                return chosen  # not verified yet; the fetch will tell
            new = [r for r in others if r["id"] not in listed]
            if not new:
                return chosen
            for r in new:
                listed[r["id"]] = r
        return chosen

    def _describe(self, groups: list[AdvisoryGroup], name: str, near: Version | None) -> str:
        parts = []
        for g in groups[:MAX_LISTED]:
            aliases = [i for i in g.ids if i != g.primary][:3]
            head = g.primary + (f" ({', '.join(aliases)})" if aliases else "")
            summary = f" “{g.summary}”" if g.summary else ""
            parts.append(f"{head}{summary}, affected {self._range_text(g, name, near)}")
        if len(groups) > MAX_LISTED:
            parts.append(f"and {len(groups) - MAX_LISTED} more")
        return "; ".join(parts)

    @staticmethod
    def _range_text(group: AdvisoryGroup, name: str, near: Version | None) -> str:
        for r in group.records:
            a = affected_for(r, name)
            if a is not None:
                return a.describe(near)
        return "unknown versions"

    @staticmethod
    def _related(dep: Dependency, groups: list[AdvisoryGroup], name: str, near: Version | None) -> tuple[Related, ...]:
        out = []
        for g in groups:
            rng = DependencyScanner._range_text(g, name, near)
            out.append(
                Related(dep.span, f"{', '.join(g.ids)}: {g.summary or 'no summary'} (affected {rng}; "
                f"severity {g.severity.name.lower()}) https://osv.dev/vulnerability/{g.primary}")
            )
        return tuple(out)

    def _evaluate_pin(self, dep: Dependency, kind: str, missing: set[Key]) -> Finding | None:
        assert dep.pinned is not None
        records = self._lookup((dep.name, dep.pinned), missing)
        if not records:
            return None
        v = parse_version(dep.pinned)
        groups = group_records(records)
        if not groups:
            return None
        fixed = self._lowest_fix(dep.name, v, records, missing)
        n = len(groups)
        them = _plural(n, "it", "all of them")
        if dep.source == "lock":
            hint = _LOCK_HINT.get(kind, "update the lock file").format(name=dep.display, version=fixed)
            advice = (
                f"Move to {fixed}, the lowest version that fixes {them}: {hint}."
                if fixed
                else f"No release that fixes {them} is known."
            )
        else:
            advice = (
                f"Upgrade to {fixed}, the lowest version that fixes {them}."
                if fixed
                else f"No release that fixes {them} is known."
            )
        message = (
            f"{dep.display} {dep.pinned} has {n} known {_plural(n, 'vulnerability', 'vulnerabilities')}: "
            f"{self._describe(groups, dep.name, v)}. {advice}"
        )
        fix = None
        if fixed is not None and dep.fixable and dep.version_span is not None:
            edits = [Edit(dep.version_span, str(fixed))] + [Edit(s, "") for s in dep.hash_deletions]
            title = f"Upgrade {dep.display} to {fixed}"
            if dep.hash_deletions:
                title += " (removes its --hash values, which no longer match: regenerate them)"
            fix = Fix(title=title, edits=tuple(edits), safe=False)
        return Finding(
            rule_id=PIN_RULE[0],
            rule_name=PIN_RULE[1],
            message=message,
            span=dep.span,
            severity=max(g.severity for g in groups),
            confidence=Confidence.HIGH,
            cwe=CWE,
            fix=fix,
            related=self._related(dep, groups, dep.name, v),
            statement_lines=dep.statement_lines,
        )

    def _evaluate_range(self, dep: Dependency, missing: set[Key]) -> Finding | None:
        records = self._lookup((dep.name, ALL), missing)
        if not records:
            return None
        affs: dict[str, tuple[dict[str, Any], Affected]] = {}
        for r in records:
            a = affected_for(r, dep.name)
            if a is not None:
                affs[r["id"]] = (r, a)
        if not affs:
            return None
        all_fixed = sorted({f for _, a in affs.values() for f in a.fixed})

        def clean(c: Version) -> bool:
            return not any(a.affects(c) for _, a in affs.values())

        hit: dict[str, dict[str, Any]] = {}
        safe_floor: Version | None = None
        whole_range_bad = False
        for spec in dep.specifiers:
            eff = spec
            if dep.constraints is not None:
                try:
                    eff = SpecifierSet(",".join(s for s in (str(spec), str(dep.constraints)) if s))
                except InvalidSpecifier:
                    eff = spec
            box = specifier_interval(eff)
            if box is None:
                continue
            candidates = set(all_fixed)
            if box[0] is not None and box[1]:
                candidates.add(box[0])
            c = next((x for x in _releases_first(candidates) if eff.contains(x, prereleases=True) and clean(x)), None)
            region = box if c is None else intersect(box, (None, False, c, False))
            if region is None:
                continue
            found = [rid for rid, (_, a) in affs.items() if a.overlaps(region, eff)]
            if found:
                for rid in found:
                    hit[rid] = affs[rid][0]
                if c is None:
                    whole_range_bad = True
                    lo = box[0]
                    c = next((x for x in _releases_first(all_fixed) if (lo is None or x > lo) and clean(x)), None)
                safe_floor = c if safe_floor is None else max(safe_floor, c) if c else safe_floor
        if not hit:
            return None
        groups = group_records(hit.values())
        n = len(groups)
        them = _plural(n, "it", "all of them")
        spec_text = ",".join(f"{op}{ver}" for op, ver in dep.spec_clauses)
        what = f"{dep.display}{spec_text}" if spec_text else f"{dep.display} (no version constraint)"
        where = f" (with the constraints from {dep.constraint_origin})" if dep.constraint_origin else ""
        if safe_floor is None:
            advice = f"No release that fixes {them} is known."
        elif whole_range_bad:
            advice = f"No version it allows is free of them; {safe_floor} is the lowest release that fixes {them}."
        else:
            advice = f"Raise the lower bound to {safe_floor}, the lowest allowed version that fixes {them}."
        message = (
            f"{what}{where}: the range admits versions with {n} known "
            f"{_plural(n, 'vulnerability', 'vulnerabilities')}: {self._describe(groups, dep.name, None)}. {advice}"
        )
        fix = None
        if safe_floor is not None and dep.fixable and dep.spec_span is not None and len(dep.specifiers) == 1:
            if whole_range_bad:
                new = f">={safe_floor}"
            else:
                kept = [
                    f"{op}{ver}"
                    for op, ver in dep.spec_clauses
                    if op not in (">=", ">") and SpecifierSet(f"{op}{ver}").contains(safe_floor, prereleases=True)
                ]
                new = ",".join([f">={safe_floor}"] + kept)
            fix = Fix(title=f"Require {dep.display}>={safe_floor}", edits=(Edit(dep.spec_span, new),), safe=False)
        return Finding(
            rule_id=RANGE_RULE[0],
            rule_name=RANGE_RULE[1],
            message=message,
            span=dep.span,
            severity=_lower(max(g.severity for g in groups)),
            confidence=Confidence.MEDIUM,
            cwe=CWE,
            fix=fix,
            related=self._related(dep, groups, dep.name, None),
            statement_lines=dep.statement_lines,
        )


def merge_fixes(result: AnalysisResult, include_ranges: bool = False) -> Fix | None:
    """Combine the bump fixes of a result into one fix (edits sorted, overlaps dropped)."""
    rules = {PIN_RULE[0]} | ({RANGE_RULE[0]} if include_ranges else set())
    edits: list[Edit] = []
    count = 0
    for f in result.findings:
        if f.rule_id in rules and f.fix is not None:
            count += 1
            edits.extend(f.fix.edits)
    if not edits:
        return None
    edits.sort(key=lambda e: (e.span.start, e.span.end))
    merged: list[Edit] = []
    for e in edits:
        if merged and e.span.start < merged[-1].span.end:
            continue
        merged.append(e)
    what = "vulnerable requirement" if include_ranges else "vulnerable pin"
    return Fix(title=f"Upgrade {count} {what}{'s' if count != 1 else ''}", edits=tuple(merged), safe=False)
