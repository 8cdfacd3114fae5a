"""SLS115: a Mako template made in a handler and rendered there only with values of the program's
own (literals, an imported `__version__`, what the object's constructor was given) is the audit
tier; one value of the visitor's, or the template handed elsewhere, keeps it in the default output."""

from secure_ls.engine.analyzer import Engine
from secure_ls.engine.model import Confidence

ENGINE = Engine()

PAGE = (
    "import cherrypy\nfrom mako.template import Template\nfrom webui import __version__\n\n"
    "class WebUi:\n"
    "    def __init__(self, web_config):\n"
    "        self.docroot = web_config.get('root', '/')\n\n"
    "    @cherrypy.expose\n"
    "    def index(self, page=''):\n"
    "        templ = Template(filename='templates/index.tmpl')\n"
    "        return templ.render(pageid='INDEX', docroot=self.docroot, version=__version__)\n"
)


def _confidence(code):
    found = [f.confidence for f in ENGINE.analyze(code).findings if f.rule_id == "SLS115"]
    assert len(found) == 1, found
    return found[0]


def test_a_template_rendered_with_the_programs_own_values_is_the_audit_tier():
    assert _confidence(PAGE) == Confidence.LOW


def test_a_value_of_the_visitors_or_a_template_handed_on_keeps_it_reported():
    for changed in (
        PAGE.replace("pageid='INDEX'", "pageid=page"),  # the query string's text
        PAGE.replace("return templ.render(", "self.last = templ\n        return templ.render("),  # rendered elsewhere too
        PAGE.replace("from webui import __version__", "from flask_login import current_user as __version__"),
    ):
        assert _confidence(changed) == Confidence.MEDIUM, changed
