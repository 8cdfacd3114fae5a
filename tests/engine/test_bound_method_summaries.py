"""A method called on an instance made in the same expression: its summary is bound, so the
caller's first argument is the method's second parameter, not the instance."""

from __future__ import annotations

from tests.cli.cli_helpers import check_json, write


def test_what_a_method_called_on_a_new_instance_returns(tmp_path):
    # the qualified name `app.text.Text.same` reads through the call: the summary is a method's,
    # and the caller's first argument is `value`, not the instance
    write(tmp_path, {
        "app/__init__.py": "",
        "app/text.py": "class Text:\n    def same(self, value):\n        return value\n",
        "app/views.py": "import os\nfrom flask import request\nfrom app.text import Text\n\n"
        "def run():\n    os.system(Text().same(request.args['c']))\n",
    })
    assert "SLS102" in [f["rule"] for f in check_json(".", cwd=tmp_path).findings()]
