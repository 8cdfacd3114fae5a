"""An analysis leaves nothing for the cyclic garbage collector: each flow pass is freed by
reference counting as soon as its summary or its unit's findings are made. (When the passes
formed cycles, a `check` of the standard library spent a fifth of its CPU in the collector,
and grew to 1.1 GB without it.)"""

from __future__ import annotations

import gc

from secure_ls.engine import flow
from secure_ls.engine.analyzer import Engine

MODULE = '''
import os
import sqlite3
from flask import request


def user_name():
    return request.args["name"]


class Store:
    def __init__(self, path):
        self.conn = sqlite3.connect(path)

    def find(self, name):
        return self.conn.execute("SELECT * FROM users WHERE name = '" + name + "'")

    def run(self):
        os.system("ls " + user_name())
        return [row for row in self.find(user_name())]


def handler():
    store = Store("app.db")
    query = request.args.get("q", "")
    if query.isdigit():
        return store.find(query)
    return lambda: store.run()
'''


def test_an_analysis_leaves_no_flow_pass_in_a_reference_cycle():
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        result = Engine().analyze(MODULE, key="doc")
        del result
        gc.collect()
        cyclic = [o for o in gc.garbage if isinstance(o, flow.FlowAnalyzer)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert cyclic == []
