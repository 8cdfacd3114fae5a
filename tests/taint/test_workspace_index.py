"""The language server's workspace index, with a stand-in server object."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

from secure_ls.config import Settings
from secure_ls.engine.analyzer import Engine
from secure_ls.engine.model import Confidence
from secure_ls.lsp import workspace_index


class FakeProgress:
    def __init__(self):
        self.events = []

    async def create_async(self, token):
        self.events.append(("create", token))

    def begin(self, token, value):
        self.events.append(("begin", value.title))

    def report(self, token, value):
        self.events.append(("report", value.percentage))

    def end(self, token, value):
        self.events.append(("end", value.message))


class FakeServer:
    def __init__(self, root: Path):
        self.workspace = SimpleNamespace(folders={root.as_uri(): SimpleNamespace(uri=root.as_uri())}, root_path=str(root))
        self.work_done_progress = FakeProgress()
        self.documents = SimpleNamespace(all=lambda: [SimpleNamespace(uri=(root / "pkg" / "app.py").as_uri())])
        self.analyses = {}
        self.dirty = []
        self.reanalysed = 0
        self.workspace_index = workspace_index.WorkspaceIndex(self)

    def quiet_for(self, seconds):
        return True

    def capability(self, *path):
        return True

    def settings_for(self, uri):
        return Settings()

    def mark_dirty(self, uri):
        self.dirty.append(uri)

    def reanalyze_all(self):
        self.reanalysed += 1


def _project(root: Path) -> None:
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "util.py").write_text("from flask import request\n\ndef target():\n    return request.args['t']\n")
    (root / "pkg" / "app.py").write_text("import os\nfrom .util import target\n\ndef run():\n    os.system('ping ' + target())\n")


async def _indexed(ls) -> None:
    """Starts the background index and waits until it has finished."""
    ls.workspace_index.start()
    for _ in range(200):
        if ls.workspace_index.indexed.is_set():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the workspace index did not finish")


async def test_background_index_reports_progress_and_feeds_the_engine(tmp_path):
    _project(tmp_path)
    ls = FakeServer(tmp_path)
    await _indexed(ls)
    kinds = [e[0] for e in ls.work_done_progress.events]
    assert kinds[0] == "create" and kinds[1] == "begin" and kinds[-1] == "end" and "report" in kinds
    assert ls.reanalysed == 1
    app = tmp_path / "pkg" / "app.py"
    resolver = ls.workspace_index.resolver(str(app))
    result = Engine().analyze(app.read_text(), key="app", imports_resolver=resolver)
    assert [f.confidence for f in result.findings if f.rule_id == "SLS102"] == [Confidence.HIGH]


def _open_project(tmp_path):
    """The project, a server whose index runs in this loop, an engine, and the two files."""
    _project(tmp_path)
    ls = FakeServer(tmp_path)
    index = ls.workspace_index
    index._loop = asyncio.get_running_loop()
    return ls, index, Engine(), tmp_path / "pkg" / "util.py", tmp_path / "pkg" / "app.py"


async def test_an_open_document_publishes_its_summaries(tmp_path):
    ls, _, engine, util, app = _open_project(tmp_path)
    first = engine.analyze(app.read_text(), key="app", imports_resolver=ls.workspace_index.resolver(str(app)))
    assert [f.confidence for f in first.findings if f.rule_id == "SLS102"] == [Confidence.HIGH]
    # the user edits util.py in the editor (not saved): target() now returns a constant
    engine.analyze("def target():\n    return 'localhost'\n", key="util", imports_resolver=ls.workspace_index.resolver(str(util)))
    await asyncio.sleep(0)
    assert ls.dirty == [app.as_uri()]  # the other open document is checked again
    second = engine.analyze(app.read_text(), key="app", imports_resolver=ls.workspace_index.resolver(str(app)))
    assert [f for f in second.findings if f.rule_id == "SLS102"] == []
    # closing util.py without saving: the file on disk counts again
    ls.workspace_index.closed(util.as_uri())
    third = engine.analyze(app.read_text(), key="app", imports_resolver=ls.workspace_index.resolver(str(app)))
    assert [f.confidence for f in third.findings if f.rule_id == "SLS102"] == [Confidence.HIGH]


async def test_first_analysis_defers_summaries_nobody_in_the_file_calls(tmp_path):
    # the editor restores an unsaved util.py: its buffer differs from the file on disk
    ls, index, engine, util, app = _open_project(tmp_path)
    buffer = "import shlex\nfrom flask import request\n\ndef target():\n    return shlex.quote(request.args['t'])\n"
    util_resolver = ls.workspace_index.resolver(str(util))
    engine.analyze(buffer, key="util", imports_resolver=util_resolver)
    assert engine.has_partial_summaries("util")  # util.py calls none of its own functions
    # app.py still sees target() as the buffer has it (quoted), not as the file has it
    result = engine.analyze(app.read_text(), key="app", imports_resolver=ls.workspace_index.resolver(str(app)))
    assert [f for f in result.findings if f.rule_id == "SLS102"] == []
    # completing publishes every summary and leaves util.py's findings as they were
    before = engine.analyze(buffer, key="util", imports_resolver=util_resolver).findings
    assert engine.complete_summaries("util", util_resolver)
    assert not engine.has_partial_summaries("util")
    assert "target" in index.workspace_for(str(util)).summaries(str(util))
    assert engine.analyze(buffer, key="util", imports_resolver=util_resolver).findings == before


async def test_the_index_hands_the_engine_the_projects_url_configurations(tmp_path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "urls.py").write_text("from django.urls import path\nfrom . import views\n\nurlpatterns = [path('d/<slug:doc>/', views.doc)]\n")
    helper = tmp_path / "shop" / "utils.py"
    helper.write_text("from django.shortcuts import redirect\n\n\ndef redirect_back(request, default):\n    return redirect(default)\n")
    ls = FakeServer(tmp_path)
    resolver = ls.workspace_index.resolver(str(helper))
    engine = Engine()
    # before the index has walked the workspace, a function view is told by its shape (no blocking walk)
    assert [f.rule_id for f in engine.analyze(helper.read_text(), key="u", imports_resolver=resolver).findings] == ["SLS120"]
    await _indexed(ls)
    # the project routes `views.doc`, not this helper: `default` is its caller's value
    assert [f.rule_id for f in engine.analyze(helper.read_text(), key="u", imports_resolver=resolver).findings] == []


async def test_the_index_hands_the_engine_the_projects_logging_configurations(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "settings.py").write_text(
        "LOGGING = {'version': 1, 'formatters': {'json': {'()': 'pythonjsonlogger.json.JsonFormatter'}},\n"
        "           'handlers': {'console': {'class': 'logging.StreamHandler', 'formatter': 'json'}}}\n"
    )
    view = tmp_path / "app" / "views.py"
    view.write_text("import logging\nfrom django.http import HttpResponse\n\ndef search(request):\n    logging.info('q=%s', request.GET['q'])\n    return HttpResponse('')\n")
    ls = FakeServer(tmp_path)
    resolver = ls.workspace_index.resolver(str(view))
    engine = Engine()
    # before the index has walked the workspace, the configuration is unknown: the finding stands
    assert [f.confidence.name for f in engine.analyze(view.read_text(), key="v", imports_resolver=resolver).findings] == ["HIGH"]
    await _indexed(ls)
    # every handler writes JSON: no line break reaches the log as it is
    assert [f.confidence.name for f in engine.analyze(view.read_text(), key="v", imports_resolver=resolver).findings] == ["LOW"]


def _helpers(count: int) -> str:
    """A module of helpers that nothing in it calls: their summaries are all deferred."""
    body = "import shlex\nfrom flask import request\n"
    return body + "".join(f"\ndef helper{n}():\n    return shlex.quote(request.args['t{n}'])\n" for n in range(count))


async def test_completing_the_summaries_pauses_and_an_edit_meanwhile_gives_it_up(tmp_path, monkeypatch):
    from secure_ls.engine import pacing

    ls, index, engine, util, _ = _open_project(tmp_path)
    resolver = ls.workspace_index.resolver(str(util))
    published = lambda: index.workspace_for(str(util)).summaries(str(util))  # noqa: E731
    buffer = _helpers(60)
    engine.analyze(buffer, key="util", imports_resolver=resolver)
    assert engine.has_partial_summaries("util")
    monkeypatch.setattr(pacing, "SLICE", 0.0)  # pause at every chance
    # the editor drives the completion between its messages: it pauses between functions
    steps = engine.completion_steps("util", resolver)
    pauses = 0
    for _ in range(2):
        next(steps)
        pauses += 1
    # ... and the user edits meanwhile: the last helper now returns a constant. The
    # edit's analysis replaces the document's session and publishes the new version
    edited = buffer.replace("shlex.quote(request.args['t59'])", "'fixed'")
    engine.analyze(edited, key="util", imports_resolver=resolver)
    after_edit = published()["helper59"]
    # the pass over the old version stops at its next pause, and publishes nothing of it
    assert pacing.finish(steps) is None
    assert published()["helper59"] == after_edit
    assert after_edit.returns_untrusted == ()
    # run to its end, the completion pauses between functions and gives what one
    # straight pass gives
    engine = Engine()
    engine.analyze(buffer, key="util", imports_resolver=resolver)
    steps = engine.completion_steps("util", resolver)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            assert done.value is True
            break
        pauses += 1
    assert pauses >= 60
    assert not engine.has_partial_summaries("util")
    sliced = published()
    straight = Engine()
    straight.analyze(buffer, key="util", imports_resolver=resolver)
    assert straight.complete_summaries("util", resolver)
    assert {f"helper{n}" for n in range(60)} <= sliced.keys()
    assert sliced == published()


async def test_an_edited_document_still_declares_its_classes_to_the_others(tmp_path):
    # app.py builds SQL from a helper's parameter declared as one of models.py's Enum values; the
    # editor holds models.py and has analysed it twice (an edit: its summaries are then all of
    # them), and the Enum it declares must still reach app.py as it does from the file on disk
    ls, _, engine, _, _ = _open_project(tmp_path)
    models = tmp_path / "pkg" / "models.py"
    models.write_text("class EventType(str):\n    pass\n")  # on disk, not yet an Enum: the buffer is what counts
    buffer = "from enum import Enum\n\n\nclass EventType(str, Enum):\n    created = 'created'\n"
    app = tmp_path / "pkg" / "hooks.py"
    app.write_text(
        "from sqlalchemy import text\n\nfrom .models import EventType\n\n\n"
        "def endpoints(session, event: EventType):\n    return session.execute(text(f\"SELECT id FROM hooks WHERE event = '{event}'\"))\n"
    )
    models_resolver = ls.workspace_index.resolver(str(models))
    engine.analyze(buffer, key="models", imports_resolver=models_resolver)
    engine.analyze(buffer + "    deleted = 'deleted'\n", key="models", imports_resolver=models_resolver)
    result = engine.analyze(app.read_text(), key="hooks", imports_resolver=ls.workspace_index.resolver(str(app)))
    assert [f for f in result.findings if f.rule_id == "SLS101"] == []
