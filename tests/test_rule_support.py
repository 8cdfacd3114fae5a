"""What the rules' shared helpers (rules/_support/, the taint API) make a user see: arguments
read after `*args`, integer settings written with any operator, `.format` templates cut the
way Python reads them."""

from __future__ import annotations

from secure_ls.engine.analyzer import Engine

ENGINE = Engine()


def _findings(code, rule):
    result = ENGINE.analyze(code)
    failed = [p for p in result.problems if p.startswith("rule ")]
    assert not failed, failed
    return [f for f in result.findings if f.rule_id == rule]


def test_a_keyword_after_star_args_is_the_argument():
    # `*extra` cannot also fill `rounds` (that call raises TypeError), so rounds=4 is the cost
    code = "import bcrypt\n\ndef salt(extra):\n    return bcrypt.gensalt(*extra, rounds=4)\n"
    assert [f.message.split(":")[0] for f in _findings(code, "SLS308")] == ["bcrypt cost 4 is below the minimum of 10"]


def test_a_file_mode_written_with_arithmetic_is_evaluated():
    code = "import os\n\ndef share(path):\n    os.chmod(path, 2**9 - 1)\n"
    assert [f.message.split(" makes")[0] for f in _findings(code, "SLS501")] == ["Mode 0o777"]


def test_a_key_size_written_with_bit_operators_is_evaluated():
    code = (
        "from cryptography.hazmat.primitives.asymmetric import rsa\n\n"
        "def key():\n    return rsa.generate_private_key(65537, 512 | 256)\n"
    )
    assert [f.message.split(":")[0] for f in _findings(code, "SLS313")] == ["768-bit RSA key"]


def test_a_mode_filled_in_when_none_is_given_is_reported():
    # the mode rules follow the one assignment even though `mode` may also be the caller's
    # (the crypto rules, which report a number only when the name always holds it, do not)
    code = "import os\n\ndef publish(path, mode=None):\n    if mode is None:\n        mode = 0o777\n    os.chmod(path, mode)\n"
    assert len(_findings(code, "SLS501")) == 1


def test_a_format_template_python_refuses_is_not_rewritten():
    # `'}'` alone makes .format() raise ValueError: no fix rewrites that call into a query
    refused = "import sqlite3\n\ndef find(conn, name):\n    conn.execute(\"SELECT * FROM users WHERE name = '{}' AND note = '}'\".format(name))\n"
    accepted = refused.replace("note = '}'", "note = '}}'")
    assert [f.fix for f in _findings(refused, "SLS101")] == [None]
    assert [f.fix is not None for f in _findings(accepted, "SLS101")] == [True]


UPLOAD_FORM = '''
import logging
from starlette.datastructures import UploadFile
from starlette.requests import Request

log = logging.getLogger(__name__)

async def import_rows(request: Request):
    form = await request.form()
    upload = form.get("file")
    if upload is None or {test}:
        return None
    log.warning("rejected: %s", upload.size)
'''


def test_an_upload_size_counts_where_an_isinstance_test_said_upload():
    # a form's item is an upload or text: its size is a count of bytes only where the test said upload
    assert _findings(UPLOAD_FORM.format(test="not isinstance(upload, UploadFile)"), "SLS704") == []
    assert len(_findings(UPLOAD_FORM.format(test="isinstance(upload, UploadFile)"), "SLS704")) == 1


def test_a_value_starting_a_url_attribute_is_found_in_a_line_of_thousands_of_fields():
    # the URL attributes of a built string are read in one pass: asked value by value, this line
    # took seconds and held the editor's answers to other files (bench/responsiveness.py)
    fields = "<b>{note}</b>" * 1_500
    code = (
        "from flask import request\nfrom markupsafe import escape\n\n"
        "def page():\n    link = escape(request.args['link'])\n    note = escape(request.args['note'])\n"
        f"    return f'{fields}<a href=\"{{link}}\">{{note}}</a>'\n"
    )
    assert [f.message.split(" starts")[0] for f in _findings(code, "SLS804")] == ["The Flask request `link`"]


def test_a_value_written_twice_is_judged_where_it_starts_a_url():
    # `{0}` twice is one value: its first use is plain text, its second starts the href
    code = (
        "from flask import request\nfrom markupsafe import Markup\n\n"
        "def page():\n    site = request.args['site']\n"
        "    return Markup('<p>{0}</p><a href=\"{0}\">home</a>').format(site)\n"
    )
    assert len(_findings(code, "SLS804")) == 1
