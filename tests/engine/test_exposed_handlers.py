"""CherryPy (and Pyro's) `@expose`: every parameter of an exposed method is what the caller
sent (CherryPy fills them from the query string, the form body and the extra path segments),
so the method is a route handler like Flask's `@app.route` one (catalog.ROUTE_DECORATOR_ATTRIBUTES)."""

from __future__ import annotations

from secure_ls.engine.analyzer import Engine

HANDLER = """
import logging

import cherrypy

logger = logging.getLogger(__name__)


class WebInterface:
    @cherrypy.expose
    @cherrypy.tools.json_out()
    def delete_user(self, user_id=None, **kwargs):
        logger.info("Deleting user %s", user_id)
        return {"deleted": True}
"""


def _found(code):
    return [(f.rule_id, f.message) for f in Engine().analyze(code).findings]


def test_a_parameter_of_an_exposed_method_is_client_data():
    found = _found(HANDLER)
    assert [rule for rule, _ in found] == ["SLS704"]
    assert "route parameter `user_id`" in found[0][1]


def test_the_same_method_not_exposed_is_not_reported():
    assert _found(HANDLER.replace("    @cherrypy.expose\n", "")) == []


def test_a_number_converted_first_is_not_reported():
    assert _found(HANDLER.replace('logger.info("Deleting user %s", user_id)', 'logger.info("Deleting user %s", int(user_id))')) == []


REQUEST_READ = """
import logging

import cherrypy

logger = logging.getLogger(__name__)


def check_csrf():
    logger.error("CSRF check failed for %s", cherrypy.request.READ)
"""


def test_the_client_data_of_the_cherrypy_request_is_a_source():
    for read in ("path_info", 'headers.get("Referer")', 'params["next"]', "query_string"):
        assert [rule for rule, _ in _found(REQUEST_READ.replace("READ", read))] == ["SLS704"], read


def test_the_servers_own_request_attributes_are_not():
    for read in ("login", "config", "method", "app.script_name"):
        assert _found(REQUEST_READ.replace("READ", read)) == [], read


PAGE = """
import cherrypy


class Root:
    @cherrypy.expose
    DECORATOR
    def missing(self, **kwargs):
        name = kwargs.get("file", "") + ".log"
        return RETURNED
"""


def test_text_an_exposed_method_returns_is_a_page():
    # CherryPy serves a returned str as text/html
    found = _found(PAGE.replace("DECORATOR", "").replace("RETURNED", '"No file %s" % name'))
    assert found == [("SLS803", "`name` (from the route parameter `kwargs`) is written into an HTML response without escaping (cross-site scripting). Escape it or render a template.")]


def test_a_json_answer_is_not():
    assert _found(PAGE.replace("DECORATOR", "@cherrypy.tools.json_out()").replace("RETURNED", '{"missing": name}')) == []


def test_whatever_a_json_out_handler_returns_is_not_a_page():
    # a helper's result of unknown type: json_out still sends it as JSON
    helper = PAGE.replace("import cherrypy\n", "import cherrypy\n\n\ndef lookup(name):\n    return 'No record for ' + name\n")
    returned = helper.replace("return RETURNED", "info = lookup(name)\n        return info")
    assert _found(returned.replace("DECORATOR", "@cherrypy.tools.json_out()")) == []
    assert [rule for rule, _ in _found(returned.replace("DECORATOR", ""))] == ["SLS803"]
    assert [rule for rule, _ in _found(helper.replace("DECORATOR", "").replace("RETURNED", '"<p>" + name')) ] == ["SLS803"]
