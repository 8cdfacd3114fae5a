"""The editor configs shown in docs/neovim.md are byte-for-byte the files the tests load,
and each snippet file is well-formed for its editor.

The doc includes each file between marker comments:

    <!-- snippet: editors/neovim/lsp/secure_ls.lua -->
    ```lua
    ...the file, verbatim...
    ```
    <!-- /snippet -->

After changing a config file, refresh the doc with:

    python tests/editors/test_editor_configs.py --write
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "neovim.md"
SNIPPET = re.compile(
    r"<!-- snippet: (?P<path>\S+) -->\n```(?P<lang>[\w-]*)\n(?P<body>.*?)```\n<!-- /snippet -->",
    re.DOTALL,
)
SNIPPET_FILES = [
    "editors/neovim/lsp/secure_ls.lua",
    "editors/neovim/legacy/secure_ls_0.8.lua",
    "editors/neovim/legacy/secure_ls_0.7.lua",
    "editors/helix/languages.toml",
    "editors/emacs/secure-ls.el",
    "editors/sublime/LSP.sublime-settings",
    "editors/vim/secure-ls.vim",
]


def snippets(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in SNIPPET.finditer(text):
        assert match["path"] not in found, f"{match['path']} is included twice"
        found[match["path"]] = match["body"]
    return found


def refreshed(text: str) -> str:
    """The doc with every snippet replaced by the current file contents."""

    def fill(match: re.Match[str]) -> str:
        body = (REPO / match["path"]).read_text(encoding="utf-8")
        return f"<!-- snippet: {match['path']} -->\n```{match['lang']}\n{body}```\n<!-- /snippet -->"

    return SNIPPET.sub(fill, text)


def test_doc_includes_every_config_file_verbatim() -> None:
    included = snippets(DOC.read_text(encoding="utf-8"))
    assert sorted(included) == sorted(SNIPPET_FILES)
    for path, body in included.items():
        assert body == (REPO / path).read_text(encoding="utf-8"), (
            f"docs/neovim.md shows an outdated {path}: run `python tests/editors/test_editor_configs.py --write`"
        )


def test_snippet_files_end_with_a_newline_and_no_code_fence() -> None:
    for path in SNIPPET_FILES:
        text = (REPO / path).read_text(encoding="utf-8")
        assert text.endswith("\n") and "```" not in text, path


def test_neovim_configs_run_secure_ls_serve_and_set_no_setting() -> None:
    for path in SNIPPET_FILES[:3]:
        text = (REPO / path).read_text(encoding="utf-8")
        assert "cmd = { 'secure-ls', 'serve' }" in text, path
        # Every setting is a commented-out example: one set here would override pyproject.toml.
        table = re.search(r"(?ms)^local options = \{\n(.*?)^\}", text)
        assert table and all(line.lstrip().startswith("--") for line in table[1].splitlines()), path
        assert "['secure-ls'] = options" in text and "init_options = options" in text, path


def test_helix_languages_toml() -> None:
    config = tomllib.loads((REPO / "editors/helix/languages.toml").read_text(encoding="utf-8"))
    server = config["language-server"]["secure-ls"]
    assert [server["command"], *server["args"]] == ["secure-ls", "serve"]
    assert "config" not in server, "settings are examples only: a key set here overrides pyproject.toml"
    python = next(lang for lang in config["language"] if lang["name"] == "python")
    assert "secure-ls" in python["language-servers"]


def test_sublime_settings() -> None:
    text = (REPO / "editors/sublime/LSP.sublime-settings").read_text(encoding="utf-8")
    # Sublime settings are JSON with // comments (none of the strings here contain //).
    config = json.loads(re.sub(r"(?m)^\s*//.*$|\s//[^\"\n]*$", "", text))
    client = config["clients"]["secure-ls"]
    assert client["command"] == ["secure-ls", "serve"]
    assert client["settings"] == {"secure-ls": {}}, "settings are examples only: a key set here overrides pyproject.toml"


def test_emacs_config_is_balanced() -> None:
    text = (REPO / "editors/emacs/secure-ls.el").read_text(encoding="utf-8")
    code = re.sub(r'"(?:\\.|[^"\\])*"', '""', re.sub(r"(?m);.*$", "", text))
    depth = 0
    for char in code:
        depth += {"(": 1, ")": -1}.get(char, 0)
        assert depth >= 0, "unbalanced parentheses"
    assert depth == 0, "unbalanced parentheses"
    assert '("secure-ls" "serve"' in text


def test_vim_ale_linter_definition() -> None:
    text = (REPO / "editors/vim/secure-ls.vim").read_text(encoding="utf-8")
    assert "call ale#linter#Define('python', {" in text and "'lsp': 'stdio'" in text
    assert "'executable': 'secure-ls'" in text and "'command': '%e serve'" in text
    # every line of the Define call is a continuation line, and the call is closed
    define = text[text.index("call ale#linter#Define") :]
    body = define[: define.index("\\})") + 3].splitlines()[1:]
    assert body and all(line.startswith("\\") for line in body)


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        DOC.write_text(refreshed(DOC.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"refreshed {DOC.relative_to(REPO)}")
    else:
        sys.exit("usage: python tests/editors/test_editor_configs.py --write")
