"""Reading OSV records: which versions they affect, how bad they are.

Versions follow PEP 440 (`packaging.version`). An OSV `affected` entry
affects a version when the version is listed in its `versions` or falls in
one of its ECOSYSTEM ranges, whose events (`introduced`, `fixed`,
`last_affected`) are evaluated in version order as the OSV schema says.
GIT ranges are ignored (their enumerated `versions` still count).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from ..engine.model import Severity

# (low, low inclusive, high, high inclusive); None bounds are unbounded.
Interval = tuple["Version | None", bool, "Version | None", bool]


def parse_version(text: str) -> Version | None:
    try:
        return Version(str(text))
    except InvalidVersion:
        return None


# ----------------------------------------------------------------- intervals


def intersect(a: Interval, b: Interval) -> Interval | None:
    alo, alo_inc, ahi, ahi_inc = a
    blo, blo_inc, bhi, bhi_inc = b
    if alo is None or (blo is not None and (blo > alo or (blo == alo and not blo_inc))):
        lo, lo_inc = blo, blo_inc
    else:
        lo, lo_inc = alo, alo_inc
    if ahi is None or (bhi is not None and (bhi < ahi or (bhi == ahi and not bhi_inc))):
        hi, hi_inc = bhi, bhi_inc
    else:
        hi, hi_inc = ahi, ahi_inc
    if lo is not None and hi is not None and (lo > hi or (lo == hi and not (lo_inc and hi_inc))):
        return None
    return (lo, lo_inc, hi, hi_inc)


EVERYTHING: Interval = (None, False, None, False)


def _next_prefix(release: tuple[int, ...]) -> Version:
    parts = list(release)
    parts[-1] += 1
    return Version(".".join(map(str, parts)))


def specifier_interval(spec: SpecifierSet) -> Interval | None:
    """The smallest interval holding every version `spec` allows (`!=` is ignored)."""
    box: Interval | None = EVERYTHING
    for item in spec:
        op, text = item.operator, item.version
        piece: Interval
        if op in ("==", "===") and text.endswith(".*"):
            v = parse_version(text[:-2])
            if v is None:
                continue
            piece = (v, True, _next_prefix(v.release), False)
        elif op in ("==", "==="):
            v = parse_version(text)
            if v is None:
                continue
            piece = (v, True, v, True)
        elif op == "!=":
            continue
        else:
            v = parse_version(text)
            if v is None:
                continue
            if op == ">=":
                piece = (v, True, None, False)
            elif op == ">":
                piece = (v, False, None, False)
            elif op == "<=":
                piece = (None, False, v, True)
            elif op == "<":
                piece = (None, False, v, False)
            elif op == "~=":
                prefix = v.release[:-1] if len(v.release) > 1 else v.release
                piece = (v, True, _next_prefix(prefix), False)
            else:
                continue
        box = intersect(box, piece) if box else None
        if box is None:
            return None
    return box


def format_interval(iv: Interval) -> str:
    lo, lo_inc, hi, hi_inc = iv
    if lo is not None and hi is not None and lo == hi:
        return f"=={lo}"
    parts = []
    if lo is not None:
        parts.append(f"{'>=' if lo_inc else '>'}{lo}")
    if hi is not None:
        parts.append(f"{'<=' if hi_inc else '<'}{hi}")
    return ", ".join(parts) if parts else "all versions"


# ------------------------------------------------------------------- records


@dataclass
class Affected:
    """One record's view of one package."""

    intervals: list[Interval]
    versions: list[Version]
    fixed: list[Version]

    def affects(self, v: Version) -> bool:
        if v in self.versions:
            return True
        return any(intersect(iv, (v, True, v, True)) for iv in self.intervals)

    def overlaps(self, region: Interval, spec: SpecifierSet | None = None) -> bool:
        for iv in self.intervals:
            if intersect(iv, region):
                return True
        for v in self.versions:
            if intersect(region, (v, True, v, True)) and (spec is None or spec.contains(v)):
                return True
        return False

    def describe(self, near: Version | None = None) -> str:
        """The affected range as text; the interval holding `near` when given."""
        if near is not None:
            for iv in self.intervals:
                if intersect(iv, (near, True, near, True)):
                    return format_interval(iv)
        if self.intervals:
            return " or ".join(format_interval(iv) for iv in self.intervals[:4]) + (
                " or ..." if len(self.intervals) > 4 else ""
            )
        if self.versions:
            shown = ", ".join(str(v) for v in self.versions[:6])
            return f"versions {shown}" + (", ..." if len(self.versions) > 6 else "")
        return "unknown versions"


def _events_to_intervals(events: list[dict[str, Any]]) -> tuple[list[Interval], list[Version]]:
    keyed: list[tuple[tuple[int, Version | None], str, Version | None]] = []
    fixed: list[Version] = []
    for ev in events:
        if not isinstance(ev, dict) or len(ev) != 1:
            continue
        kind, raw = next(iter(ev.items()))
        if kind not in ("introduced", "fixed", "last_affected"):
            continue
        if kind == "introduced" and str(raw) == "0":
            keyed.append(((0, None), kind, None))
            continue
        v = parse_version(raw)
        if v is None:
            continue
        if kind == "fixed":
            fixed.append(v)
        keyed.append(((1, v), kind, v))
    keyed.sort(key=lambda e: (e[0][0], e[0][1] or Version("0"), e[1] != "introduced"))
    out: list[Interval] = []
    open_lo: Version | None = None
    is_open = False
    for _, kind, v in keyed:
        if kind == "introduced":
            if not is_open:
                is_open, open_lo = True, v
        elif is_open:
            out.append((open_lo, True, v, kind == "last_affected"))
            is_open = False
    if is_open:
        out.append((open_lo, True, None, False))
    return out, fixed


def affected_for(record: dict[str, Any], name: str) -> Affected | None:
    """What `record` says about PyPI package `name` (normalized), or None."""
    intervals: list[Interval] = []
    versions: list[Version] = []
    fixed: list[Version] = []
    found = False
    for entry in record.get("affected") or ():
        if not isinstance(entry, dict):
            continue
        pkg = entry.get("package") or {}
        if str(pkg.get("ecosystem", "")).split(":")[0] != "PyPI":
            continue
        if canonicalize_name(str(pkg.get("name", ""))) != name:
            continue
        found = True
        for rng in entry.get("ranges") or ():
            if isinstance(rng, dict) and rng.get("type") in ("ECOSYSTEM", "SEMVER"):
                ivs, fx = _events_to_intervals(rng.get("events") or [])
                intervals.extend(ivs)
                fixed.extend(fx)
        for raw in entry.get("versions") or ():
            v = parse_version(raw)
            if v is not None:
                versions.append(v)
    if not found:
        return None
    return Affected(intervals, versions, sorted(set(fixed)))


def package_names(record: dict[str, Any]) -> set[str]:
    out = set()
    for entry in record.get("affected") or ():
        if isinstance(entry, dict):
            pkg = entry.get("package") or {}
            if str(pkg.get("ecosystem", "")).split(":")[0] == "PyPI" and pkg.get("name"):
                out.add(canonicalize_name(str(pkg["name"])))
    return out


def is_withdrawn(record: dict[str, Any]) -> bool:
    return bool(record.get("withdrawn"))


# ------------------------------------------------------------------ severity

_WORDS = {
    "CRITICAL": Severity.HIGH,
    "HIGH": Severity.HIGH,
    "MODERATE": Severity.MEDIUM,
    "MEDIUM": Severity.MEDIUM,
    "LOW": Severity.LOW,
}


def _roundup(x: float) -> float:
    i = round(x * 100000)
    if i % 10000 == 0:
        return i / 100000.0
    return (math.floor(i / 10000) + 1) / 10.0


def cvss3_base_score(vector: str) -> float | None:
    """Base score of a CVSS v3.0/3.1 vector string, or None if it is not one."""
    if not vector.startswith("CVSS:3"):
        return None
    try:
        m = dict(part.split(":", 1) for part in vector.split("/")[1:])
        changed = m["S"] == "C"
        av = {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}[m["AV"]]
        ac = {"L": 0.77, "H": 0.44}[m["AC"]]
        pr = {"N": 0.85, "L": 0.68 if changed else 0.62, "H": 0.5 if changed else 0.27}[m["PR"]]
        ui = {"N": 0.85, "R": 0.62}[m["UI"]]
        cia = [{"H": 0.56, "L": 0.22, "N": 0.0}[m[k]] for k in ("C", "I", "A")]
    except (KeyError, ValueError):
        return None
    iss = 1 - (1 - cia[0]) * (1 - cia[1]) * (1 - cia[2])
    impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 if changed else 6.42 * iss
    if impact <= 0:
        return 0.0
    exploit = 8.22 * av * ac * pr * ui
    total = 1.08 * (impact + exploit) if changed else impact + exploit
    return _roundup(min(total, 10.0))


def score_to_severity(score: float) -> Severity:
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    return Severity.LOW


def record_severity(record: dict[str, Any]) -> Severity:
    """GitHub's word (database_specific.severity) first, then a CVSS v3 score, else MEDIUM."""
    ds = record.get("database_specific")
    if isinstance(ds, dict) and isinstance(ds.get("severity"), str):
        word = ds["severity"].strip().upper()
        if word in _WORDS:
            return _WORDS[word]
    for sev in record.get("severity") or ():
        if isinstance(sev, dict) and isinstance(sev.get("score"), str):
            score = cvss3_base_score(sev["score"])
            if score is not None:
                return score_to_severity(score)
    for entry in record.get("affected") or ():
        if isinstance(entry, dict):
            for sev in entry.get("severity") or ():
                if isinstance(sev, dict) and isinstance(sev.get("score"), str):
                    score = cvss3_base_score(sev["score"])
                    if score is not None:
                        return score_to_severity(score)
    return Severity.MEDIUM


def summary_of(record: dict[str, Any], limit: int = 120) -> str:
    text = record.get("summary") or ""
    if not text:
        details = (record.get("details") or "").strip()
        text = details.splitlines()[0] if details else ""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


# --------------------------------------------------------------- alias groups


@dataclass
class AdvisoryGroup:
    """Records that describe the same problem (PYSEC and GHSA ids alias each other)."""

    records: list[dict[str, Any]]

    @property
    def ids(self) -> list[str]:
        seen: list[str] = []
        for r in self.records:
            for i in [r.get("id")] + list(r.get("aliases") or []):
                if isinstance(i, str) and i not in seen:
                    seen.append(i)
        return sorted(seen, key=_id_rank)

    @property
    def primary(self) -> str:
        return self.ids[0]

    @property
    def severity(self) -> Severity:
        return max(record_severity(r) for r in self.records)

    @property
    def summary(self) -> str:
        for r in sorted(self.records, key=lambda r: _id_rank(r.get("id", ""))):
            s = summary_of(r)
            if s:
                return s
        return ""


def _id_rank(i: str) -> tuple[int, str]:
    for n, prefix in enumerate(("GHSA-", "PYSEC-", "CVE-")):
        if i.startswith(prefix):
            return (n, i)
    return (3, i)


def group_records(records: Iterable[dict[str, Any]]) -> list[AdvisoryGroup]:
    records = [r for r in records if isinstance(r.get("id"), str)]
    parent = list(range(len(records)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[str, int] = {}
    for idx, r in enumerate(records):
        for i in [r["id"]] + [a for a in (r.get("aliases") or []) if isinstance(a, str)]:
            if i in owner:
                parent[find(idx)] = find(owner[i])
            else:
                owner[i] = idx
    groups: dict[int, list[dict[str, Any]]] = {}
    for idx, r in enumerate(records):
        groups.setdefault(find(idx), []).append(r)
    out = [AdvisoryGroup(g) for g in groups.values()]
    out.sort(key=lambda g: (-g.severity, g.primary))
    return out
