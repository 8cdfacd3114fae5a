"""Settings: from `[tool.secure-ls]` in pyproject.toml and from the editor.

Both sources use the same keys; pyproject.toml spells them in kebab-case
(`min-confidence`), editors in camelCase (`minConfidence`): any spelling is
accepted. Editor settings are applied on top of the project's file, key by
key, so a team's pyproject.toml sets the baseline and a user can still turn
a rule off locally. Every problem is reported as one line naming the key.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import math
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secure_ls import safe_files
from secure_ls.engine.model import Confidence, Finding, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(ValueError):
    """A configuration problem, with a one-line message naming it."""


# Folders a directory walk never enters (a folder named on the command line is still checked).
# Hidden folders (`.git`, `.venv`, `.tox`, and tool folders like `.github` or a linter's own
# rule-test fixtures) hold tooling, not the application: skipped like pytest's `norecursedirs`.
DEFAULT_EXCLUDE = (
    ".*", "venv", "env", "node_modules", "__pycache__", "build", "dist", "site-packages", "*.egg-info",
)

_LSP_SEVERITIES = {"error": Severity.HIGH, "warning": Severity.MEDIUM, "information": Severity.LOW, "info": Severity.LOW, "hint": Severity.INFO}


@dataclass
class DependencySettings:
    enable: bool = True
    offline_dir: str | None = None
    ca_bundle: str | None = None
    cache_dir: str | None = None
    cache_ttl_hours: float = 24.0
    base_url: str = "https://api.osv.dev"
    timeout: float = 10.0


@dataclass
class Settings:
    enable: bool = True
    select: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    # None: the default tiers. Low-confidence findings form the audit tier (pattern-only
    # findings a reviewer auditing the code wants): hints in the editor, and in the CLI only
    # with `--min-confidence low`. Set, it is a plain threshold for both.
    min_confidence: Confidence | None = None
    max_file_size: int = 3_000_000
    sources: dict[str, str] = field(default_factory=dict)
    sanitizers: dict[str, list[str]] = field(default_factory=dict)
    dependencies: DependencySettings = field(default_factory=DependencySettings)
    cache_dir: str | None = None  # `secure-ls check`'s results cache (not the advisories': dependencies.cache_dir)
    root: str | None = None  # folder that relative patterns are relative to
    # one-line messages about settings that were ignored (not errors: the rest applies)
    notices: list[str] = field(default_factory=list)
    baseline: str | None = None  # a `check --format json` report whose findings are not shown

    def baseline_path(self) -> str | None:
        """`baseline`, with a relative path taken from the pyproject.toml's folder."""
        if not self.baseline:
            return None
        path = os.path.expanduser(self.baseline)
        return path if os.path.isabs(path) or not self.root else os.path.join(self.root, path)

    # ---- which findings to keep ------------------------------------------
    def rule_enabled(self, rule, path: str | None = None) -> bool:
        extra = any(_matches(s, rule) for s in self.extend_select)
        if self.select:
            if not extra and not any(_matches(s, rule) for s in self.select):
                return False
        elif not getattr(rule, "default_enabled", True) and not extra:
            return False
        if any(_matches(s, rule) for s in self.ignore):
            return False
        if path and self.per_file_ignores:
            rel = self._relative(path)
            for pattern, selectors in self.per_file_ignores.items():
                if _glob(rel, pattern) and any(_matches(s, rule) for s in selectors):
                    return False
        return True

    def apply(self, findings: list[Finding], path: str | None = None, audit_tier: bool = False) -> list[Finding]:
        """The findings these settings keep, with severity overrides applied.

        `audit_tier`: keep low-confidence findings when no minimum is set (the editor shows
        them as hints); otherwise the default minimum is medium.
        """
        from secure_ls.rules import rule_by_id

        threshold = self.min_confidence
        if threshold is None:
            threshold = Confidence.LOW if audit_tier else Confidence.MEDIUM
        out = []
        for finding in findings:
            rule = rule_by_id(finding.rule_id) or _FakeRule(finding)
            if not self.rule_enabled(rule, path) or finding.confidence < threshold:
                continue
            override = self.severity.get(finding.rule_id) or self.severity.get(finding.rule_name)
            if override is None and self.min_confidence is None and finding.confidence == Confidence.LOW:
                override = Severity.INFO  # the audit tier: a hint, not an entry in the Problems panel
            if override is not None and override != finding.severity:
                finding = dataclasses.replace(finding, severity=override)
            out.append(finding)
        return out

    def excluded(self, path: str) -> bool:
        if not self.exclude:
            return False  # the usual case, and relpath costs more than the rest of finding a file
        rel = self._relative(path)
        parts = Path(rel).parts
        for pattern in self.exclude:
            if _glob(rel, pattern) or any(fnmatch.fnmatch(p, pattern) for p in parts):
                return True
        return False

    def _relative(self, path: str) -> str:
        if self.root:
            try:
                return os.path.relpath(path, self.root).replace(os.sep, "/")
            except ValueError:
                pass
        return path.replace(os.sep, "/")

    # ---- building --------------------------------------------------------
    def merged(self, raw: dict[str, Any] | None, origin: str, trusted: bool = True) -> "Settings":
        """A copy with the keys of `raw` (pyproject or editor spelling) applied.

        `trusted=False` is for a project's own pyproject.toml in a workspace the editor
        has not marked trusted: its UNTRUSTED_PROJECT_KEYS are ignored, with a notice."""
        result = dataclasses.replace(self, dependencies=dataclasses.replace(self.dependencies), notices=list(self.notices))
        if not trusted:
            raw = _without_trust_keys(raw or {}, origin, result.notices)
        for key, value in (raw or {}).items():
            _apply_key(result, key, value, origin)
        return result


@dataclass
class _FakeRule:
    """Stands in for findings from outside the registry (dependency scanning)."""

    finding: Finding

    @property
    def id(self):
        return self.finding.rule_id

    @property
    def name(self):
        return self.finding.rule_name

    topic = "dependencies"
    default_enabled = True


def _matches(selector: str, rule) -> bool:
    s = selector.strip()
    if not s:
        return False
    if s.upper() == "ALL":
        return True
    if s.upper() == rule.id.upper() or s.lower() == rule.name.lower():
        return True
    if re.fullmatch(r"[A-Za-z]+\d*", s) and rule.id.upper().startswith(s.upper()):
        return True
    return s.lower() == getattr(rule, "topic", "").lower()


def _glob(path: str, pattern: str) -> bool:
    pattern = pattern.replace(os.sep, "/")
    return fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, pattern.rstrip("/") + "/*") or fnmatch.fnmatch("/" + path, "*/" + pattern)


def _norm(key: str) -> str:
    return key.replace("-", "").replace("_", "").lower()


_KEYS = {
    "enable": "enable",
    "select": "select",
    "extendselect": "extend_select",
    "ignore": "ignore",
    "severity": "severity",
    "perfileignores": "per_file_ignores",
    "exclude": "exclude",
    "minconfidence": "min_confidence",
    "maxfilesize": "max_file_size",
    "sources": "sources",
    "sanitizers": "sanitizers",
    "dependencies": "dependencies",
    "cachedir": "cache_dir",
    "baseline": "baseline",
    # editor-only keys that the server reads elsewhere or ignores
    "trace": None,
    "scope": None,  # which files get diagnostics (lsp/workspace_diagnostics.py)
    "path": None,
    "interpreter": None,
    "importstrategy": None,
    "showNotifications".lower(): None,
}
# (lowest, highest, unit) of the numeric dependency settings
_DEP_RANGES = {"cache_ttl_hours": (0.0, 8760.0, "hours"), "timeout": (0.0, 300.0, "seconds")}
_DEP_KEYS = {
    "enable": "enable",
    "offlinedir": "offline_dir",
    "cabundle": "ca_bundle",
    "cachedir": "cache_dir",
    "cachettlhours": "cache_ttl_hours",
    "baseurl": "base_url",
    "timeout": "timeout",
}


# how each key is spelled in pyproject.toml, for "did you mean"
_SPELLING = {
    "perfileignores": "per-file-ignores",
    "minconfidence": "min-confidence",
    "maxfilesize": "max-file-size",
    "offlinedir": "offline-dir",
    "cabundle": "ca-bundle",
    "cachedir": "cache-dir",
    "cachettlhours": "cache-ttl-hours",
    "baseurl": "base-url",
}


# What a repository's own pyproject.toml may set only where the user trusts the
# workspace (the command line, or an editor that says the workspace is trusted):
# where the editor sends data, whom it trusts for TLS, and where it writes files.
# Otherwise a cloned repository could show its own "advisories" through its own
# server and CA, or write into any folder.
UNTRUSTED_PROJECT_KEYS = ("baseurl", "cabundle", "cachedir")


def _without_trust_keys(raw: dict[str, Any], origin: str, notices: list[str]) -> dict[str, Any]:
    deps = next((v for k, v in raw.items() if _norm(k) == "dependencies"), None)
    if not isinstance(deps, dict):
        return raw
    dropped = [k for k in deps if _norm(k) in UNTRUSTED_PROJECT_KEYS]
    if not dropped:
        return raw
    names = ", ".join(f"'dependencies.{k}'" for k in dropped)
    notices.append(
        f"{origin}: {names} ignored: the workspace is not trusted, so its own configuration may not choose "
        "the advisory server, the CA it trusts or where files are written (trust the workspace, or set them in your editor settings)"
    )
    kept = {k: v for k, v in deps.items() if _norm(k) not in UNTRUSTED_PROJECT_KEYS}
    return {k: (kept if _norm(k) == "dependencies" else v) for k, v in raw.items()}


def _unknown(key: str, known, origin: str) -> ConfigError:
    prefix = "dependencies." if key.startswith("dependencies.") else ""
    candidates = {_norm(k): k for k in known}
    close = difflib.get_close_matches(_norm(key), list(candidates), n=1)
    if close:
        name = candidates[close[0]][len(prefix):]
        hint = f" (did you mean '{prefix}{_SPELLING.get(name, name)}'?)"
    else:
        hint = ""
    return ConfigError(f"{origin}: unknown setting '{key}'{hint}")


def _check_selector(selector: str, key: str, origin: str, exact: bool = False) -> None:
    """A rule selector must match some rule: a typo would otherwise silently select nothing."""
    from secure_ls.rules import all_rules

    rules = all_rules()
    if not exact and selector.strip().upper() == "ALL":
        return
    if any(_matches(selector, r) if not exact else selector.upper() in (r.id.upper(), r.name.upper()) for r in rules):
        return
    names = [r.id for r in rules] + [r.name for r in rules] + sorted({r.topic for r in rules})
    close = difflib.get_close_matches(selector, names, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else " (see 'secure-ls rules')"
    raise ConfigError(f"{origin}: '{key}' names no rule: '{selector}'{hint}")


def _string_list(value: Any, key: str, origin: str) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"{origin}: '{key}' must be a list of strings, not {type(value).__name__}")


def _apply_key(settings: Settings, key: str, value: Any, origin: str) -> None:
    attr = _KEYS.get(_norm(key), "?")
    if attr == "?":
        raise _unknown(key, [k for k, v in _KEYS.items() if v], origin)
    if attr is None:
        return
    if attr == "enable":
        if not isinstance(value, bool):
            raise ConfigError(f"{origin}: 'enable' must be true or false")
        settings.enable = value
    elif attr in ("select", "extend_select", "ignore"):
        selectors = _string_list(value, key, origin)
        for selector in selectors:
            _check_selector(selector, key, origin)
        setattr(settings, attr, selectors)
    elif attr == "exclude":
        settings.exclude = _string_list(value, key, origin)
    elif attr == "severity":
        if not isinstance(value, dict):
            raise ConfigError(f"{origin}: 'severity' must be a table of rule = severity")
        out = {}
        for rule, level in value.items():
            _check_selector(rule, f"severity.{rule}", origin, exact=True)
            if not isinstance(level, str):
                raise ConfigError(f"{origin}: severity of {rule} must be a string")
            level_key = level.strip().lower()
            if level_key in _LSP_SEVERITIES:
                out[rule] = _LSP_SEVERITIES[level_key]
            else:
                try:
                    out[rule] = Severity.parse(level)
                except ValueError:
                    raise ConfigError(
                        f"{origin}: severity of {rule} is '{level}', expected one of error, warning, information, hint (or high, medium, low, info)"
                    ) from None
        settings.severity = out
    elif attr == "per_file_ignores":
        if not isinstance(value, dict):
            raise ConfigError(f"{origin}: '{key}' must be a table of glob = [rules]")
        settings.per_file_ignores = {str(g): _string_list(v, f"{key}.{g}", origin) for g, v in value.items()}
        for glob_pattern, selectors in settings.per_file_ignores.items():
            for selector in selectors:
                _check_selector(selector, f"{key}.{glob_pattern}", origin)
    elif attr == "min_confidence":
        if not isinstance(value, str):
            raise ConfigError(f"{origin}: '{key}' must be one of low, medium, high")
        try:
            settings.min_confidence = Confidence.parse(value)
        except ValueError as exc:
            raise ConfigError(f"{origin}: '{key}': {exc}") from None
    elif attr == "cache_dir":
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{origin}: '{key}' must be a folder (a string)")
        settings.cache_dir = value
    elif attr == "baseline":
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{origin}: '{key}' must be the path of a JSON report (a string)")
        settings.baseline = value or None
    elif attr == "max_file_size":
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ConfigError(f"{origin}: '{key}' must be a positive whole number of characters")
        settings.max_file_size = value
    elif attr == "sources":
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            settings.sources = {v: f"`{v}` (a configured source)" for v in value}
        elif isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            settings.sources = dict(value)
        else:
            raise ConfigError(f"{origin}: 'sources' must be a list of qualified names (or a table name = description)")
    elif attr == "sanitizers":
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            settings.sanitizers = {v: ["*"] for v in value}
        elif isinstance(value, dict):
            settings.sanitizers = {k: _string_list(v, f"sanitizers.{k}", origin) for k, v in value.items()}
        else:
            raise ConfigError(f"{origin}: 'sanitizers' must be a list of qualified names or a table name = [sink classes]")
    elif attr == "dependencies":
        if isinstance(value, bool):
            settings.dependencies.enable = value
            return
        if not isinstance(value, dict):
            raise ConfigError(f"{origin}: 'dependencies' must be a table")
        for dkey, dvalue in value.items():
            dattr = _DEP_KEYS.get(_norm(dkey))
            if dattr is None:
                raise _unknown(f"dependencies.{dkey}", [f"dependencies.{k}" for k in _DEP_KEYS], origin)
            if dattr == "enable":
                if not isinstance(dvalue, bool):
                    raise ConfigError(f"{origin}: 'dependencies.enable' must be true or false")
            elif dattr in ("cache_ttl_hours", "timeout"):
                # nan passes every `<` test (a nan lifetime re-fetched in a loop) and an
                # infinite timeout made each fetch fail with a raw Python error
                low, high, unit = _DEP_RANGES[dattr]
                if not isinstance(dvalue, (int, float)) or isinstance(dvalue, bool) or not math.isfinite(dvalue) or not low <= dvalue <= high or (dattr == "timeout" and dvalue == 0):
                    shown = dvalue if isinstance(dvalue, (int, float, bool)) else type(dvalue).__name__
                    bounds = f"above 0 and at most {high:g}" if dattr == "timeout" else f"from {low:g} to {high:g}"
                    raise ConfigError(f"{origin}: 'dependencies.{dkey}' must be a number of {unit} {bounds}, not {shown}")
            elif dvalue is not None and not isinstance(dvalue, str):
                raise ConfigError(f"{origin}: 'dependencies.{dkey}' must be a string")
            setattr(settings.dependencies, dattr, dvalue)


def find_pyproject(start: str | os.PathLike) -> Path | None:
    here = Path(start).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_pyproject(path: Path) -> dict[str, Any]:
    """The `[tool.secure-ls]` table of a pyproject.toml ({} if there is none)."""
    try:
        data = tomllib.loads(safe_files.read_text(path, safe_files.CONFIG_LIMIT))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except safe_files.UnreadableFile as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.reason}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    tool = data.get("tool", {})
    table = tool.get("secure-ls", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.secure-ls] must be a table")
    return table


def settings_for(start: str | os.PathLike, base: Settings | None = None) -> Settings:
    """Settings from the nearest pyproject.toml above `start` (defaults if none)."""
    base = base or Settings()
    pyproject = find_pyproject(start)
    if pyproject is None:
        return base
    settings = base.merged(load_pyproject(pyproject), f"{pyproject} [tool.secure-ls]")
    settings.root = str(pyproject.parent)
    return settings
