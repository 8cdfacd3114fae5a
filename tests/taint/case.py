"""One labelled case of the taint corpus."""

from __future__ import annotations

from dataclasses import dataclass, field

# The rule that covers each sink class (a case may name another with `rule=`).
RULES = {
    "sql": "SLS101",
    "shell": "SLS102",
    "code": "SLS103",
    "deserialize": "SLS105",
    "xml": "SLS108",
    "path": "SLS110",
    "template": "SLS113",
    "redirect": "SLS120",
    "url": "SLS121",
    "ldap": "SLS123",
    "xpath": "SLS124",
    "session": "SLS125",
    "header": "SLS126",
    "regex": "SLS128",
    "log": "SLS704",
    "html": "SLS803",
}
MARK = "# SINK"


@dataclass
class Case:
    id: str
    sink: str
    vulnerable: bool
    code: str = ""
    rule: str | None = None
    files: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.code = self.code.lstrip("\n")
        if self.rule is None:
            self.rule = RULES[self.sink]

    @property
    def main(self) -> str:
        return self.files["app.py"] if self.files else self.code

    @property
    def sink_line(self) -> int:
        """0-based line of the sink in the main file."""
        for index, line in enumerate(self.main.split("\n")):
            if MARK in line:
                return index
        raise ValueError(f"{self.id}: no {MARK} marker")
