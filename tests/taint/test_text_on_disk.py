"""What the engine hands the workspace store depends on what the analysed text is: the
file on disk (a batch run, `on_disk=True`) or an editor's buffer, whatever its document
key. A buffer's summaries stand for its unsaved version, so a module importing it sees
that version of every function, also of those the buffer's analysis did not summarise.
A file on disk looks other modules' functions up lazily: the batch run's own path, whose
results must not depend on which module it checks first."""

from __future__ import annotations

import pytest

from secure_ls.engine.analyzer import Engine
from secure_ls.engine.workspace import WorkspaceSummaries

SAVED = "from flask import request\n\n\ndef target():\n    return request.args['t']\n\n\ndef helper():\n    return 'x'\n\n\ndef run():\n    return helper()\n"
UNSAVED = SAVED.replace("request.args['t']", "'localhost'")  # an edit not saved yet
APP = "import os\n\nfrom util import target\n\n\ndef ping():\n    os.system('ping ' + target())\n"


def _shell(result) -> list[tuple[int, str]]:
    return [(f.span.start.line, f.confidence.name) for f in result.findings if f.rule_id == "SLS102"]


@pytest.mark.parametrize("key", [None, "util"])
def test_an_importer_sees_the_unsaved_version_of_a_module_open_in_the_editor(tmp_path, key):
    (tmp_path / "util.py").write_text(SAVED)
    (tmp_path / "app.py").write_text(APP)
    workspace = WorkspaceSummaries([str(tmp_path)])
    util, app = str(tmp_path / "util.py"), str(tmp_path / "app.py")
    # the buffer's analysis summarises only what util.py calls itself (helper), not target
    Engine().analyze(UNSAVED, key=key, imports_resolver=workspace.resolver_for(util), path=util)
    found = Engine().analyze(APP, imports_resolver=workspace.resolver_for(app), path=app, on_disk=True)
    assert _shell(found) == []  # target() returns a constant in the version being edited


def test_an_importer_sees_the_saved_version_of_a_module_checked_from_disk(tmp_path):
    (tmp_path / "util.py").write_text(SAVED)
    (tmp_path / "app.py").write_text(APP)
    workspace = WorkspaceSummaries([str(tmp_path)])
    util, app = str(tmp_path / "util.py"), str(tmp_path / "app.py")
    Engine().analyze(SAVED, imports_resolver=workspace.resolver_for(util), path=util, on_disk=True)
    found = Engine().analyze(APP, imports_resolver=workspace.resolver_for(app), path=app, on_disk=True)
    assert _shell(found) == [(6, "HIGH")]


# a script: helpers calling helpers, and a command built from what they return
SCRIPT = (
    "import subprocess\nimport sys\n\n\ndef first_word(text):\n    return text.split()[0]\n\n\n"
    "def parse(argv):\n    name = first_word(argv[1])\n    return name, len(argv)\n\n\n"
    "def main():\n    name, count = parse(sys.argv)\n    subprocess.call('ls ' + name, shell=True)\n\n\nmain()\n"
)
IMPORTER = "import subprocess\nimport sys\n\nimport script\n\n\ndef main():\n    name, count = script.parse(sys.argv)\n    subprocess.call('ls ' + name, shell=True)\n"


def test_a_file_checked_from_disk_keeps_what_its_helpers_return(tmp_path):
    # Other modules' functions are looked up lazily; `parse` must still return what its
    # module's `first_word` returns (the command line's first word), as without a workspace.
    path = tmp_path / "script.py"
    path.write_text(SCRIPT)
    workspace = WorkspaceSummaries([str(tmp_path)])
    found = Engine().analyze(SCRIPT, imports_resolver=workspace.resolver_for(str(path)), path=str(path), on_disk=True)
    assert _shell(found) == _shell(Engine().analyze(SCRIPT)) == [(15, "MEDIUM")]


def test_a_batch_run_gives_an_importer_the_same_findings_whichever_module_it_checks_first(tmp_path):
    (tmp_path / "script.py").write_text(SCRIPT)
    (tmp_path / "main.py").write_text(IMPORTER)
    found = []
    for order in (["main.py"], ["script.py", "main.py"]):
        workspace = WorkspaceSummaries([str(tmp_path)])
        for name in order:
            path = tmp_path / name
            result = Engine().analyze(path.read_text(), imports_resolver=workspace.resolver_for(str(path)), path=str(path), on_disk=True)
        found.append(_shell(result))
    assert found == [[(8, "MEDIUM")], [(8, "MEDIUM")]]


def test_a_file_on_disk_has_no_versions():
    with pytest.raises(ValueError):
        Engine().analyze(SAVED, key="util", on_disk=True)
