"""What the engine hands the workspace store depends on what the analysed text is: the
file on disk (a batch run, `on_disk=True`) or an editor's buffer, whatever its document
key. A buffer's summaries stand for its unsaved version, so a module importing it sees
that version of every function, also of those the buffer's analysis did not summarise."""

from __future__ import annotations

import pytest

from secure_ls.engine.analyzer import Engine
from secure_ls.engine.workspace import WorkspaceSummaries

SAVED = "from flask import request\n\n\ndef target():\n    return request.args['t']\n\n\ndef helper():\n    return 'x'\n\n\ndef run():\n    return helper()\n"
UNSAVED = SAVED.replace("request.args['t']", "'localhost'")  # an edit not saved yet
APP = "import os\n\nfrom util import target\n\n\ndef ping():\n    os.system('ping ' + target())\n"


def _shell(result) -> list[int]:
    return [f.span.start.line for f in result.findings if f.rule_id == "SLS102"]


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
    assert _shell(found) == [6]


def test_a_file_on_disk_has_no_versions():
    with pytest.raises(ValueError):
        Engine().analyze(SAVED, key="util", on_disk=True)
