"""Quote idioms of SQL built by hand (SLS101): a value with its quote doubled or taken out cannot
leave a literal in that quote, even when it is rewritten in one statement and quoted in another.
Each test undoes the idiom into its vulnerable variant, which must be reported as before."""

from tests.engine.test_engine import _confidence


def test_a_schema_name_stripped_of_double_quotes_in_the_constructor_stays_in_the_quotes_added_later():
    # `self.name = f"p_{id.translate(NO_QUOTES)}"`, `self.quoted = f'"{self.name}"'`, then the query in
    # another method: the name cannot close its quoted identifier (low), though the request names it
    code = (
        "import asyncpg\nfrom flask import request\n\nNO_QUOTES = str.maketrans({'\"': '_'})\n\n"
        "class Schema:\n    def __init__(self, pool, instance_id):\n        self.pool = pool\n"
        "        self.name = f'plugin_{instance_id.translate(NO_QUOTES)}'\n        self.quoted = f'\"{self.name}\"'\n\n"
        "    async def create(self):\n        await self.pool.execute(f'CREATE SCHEMA IF NOT EXISTS {self.quoted}')\n\n\n"
        "async def install(pool):\n    await Schema(pool, request.args['id']).create()\n"
    )
    assert _confidence(code, "SLS101") == ["low"]
    # a table that maps another character leaves the double quote in the name
    assert _confidence(code.replace("{'\"': '_'}", "{'x': '_'}"), "SLS101") == ["high"]
    # a table that maps the quote to a backslash and the quote puts it back
    assert _confidence(code.replace("{'\"': '_'}", "{'\"': '\\\\\"'}"), "SLS101") == ["high"]
    # quoted with the other quote character: a double quote never closed it, a single one can
    assert _confidence(code.replace("f'\"{self.name}\"'", "\"'\" + self.name + \"'\""), "SLS101") == ["high"]


def test_a_value_with_its_quote_doubled_before_sits_inside_that_quote_in_the_query():
    code = (
        "import sqlite3\nfrom flask import request\n\ndef find(conn):\n    name = request.args['n'].replace(\"'\", \"''\")\n"
        "    return conn.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n"
    )
    assert _confidence(code, "SLS101") == ["low"]
    # the other quote doubled: the single quote around the value can still be closed
    assert _confidence(code.replace(".replace(\"'\", \"''\")", ".replace('\"', '\"\"')"), "SLS101") == ["high"]
    # the value put outside any quote: doubling quotes does nothing there
    assert _confidence(code.replace("name = '{name}'", "id = {name}"), "SLS101") == ["high"]
    # a later rewrite that puts a lone quote back
    put_back = code.replace("    return conn.execute", "    name = name.replace('\\0', \"'\")\n    return conn.execute")
    assert put_back != code
    assert _confidence(put_back, "SLS101") == ["high"]
    # or decodes one (`%27`)
    decoded = code.replace("import sqlite3\n", "import sqlite3\nfrom urllib.parse import unquote\n").replace("WHERE name = '{name}'", "WHERE name = '{unquote(name)}'")
    assert _confidence(decoded, "SLS101") == ["high"]


def test_a_quoted_name_next_to_an_unknown_value_is_judged_by_the_unknown_value():
    # `**params` holds the client's table name quoted by the helper and a placeholder list from a
    # function the engine cannot see through: only that function's part is left, and it is low
    code = (
        "import sqlalchemy as sa\nfrom flask import request\nfrom mylib import placeholders\n\n"
        "def identifier(s):\n    return '\"' + s.replace('\"', '\"\"') + '\"'\n\n"
        "def insert(conn):\n"
        "    params = dict(table=identifier(request.args['t']), values=placeholders(1))\n"
        "    sql = 'INSERT INTO {table} VALUES ({values})'.format(**params)\n"
        "    return conn.execute(sa.text(sql), {'v0': 1})\n"
    )
    assert _confidence(code, "SLS101") == ["low"]
    # the helper without the doubling: the client's name can close the quotes
    assert _confidence(code.replace(".replace('\"', '\"\"')", ""), "SLS101") == ["high"]
    # the unknown part is the client's own text this time
    assert _confidence(code.replace("placeholders(1)", "request.args['v']"), "SLS101") == ["high"]


def test_a_parameter_put_into_elementtrees_path_is_the_audit_tier():
    # bazarr's anime mappings: ElementTree's path language has no `or`, union or function, so a
    # helper's parameter can only narrow the match; the client's text there is still reported
    code = (
        "import xml.etree.ElementTree as ET\nfrom flask import request\n\n"
        "def show(tvdb_id):\n    root = ET.parse('mappings.xml').getroot()\n"
        "    return root.findall(f\".//anime[@tvdbid='{tvdb_id}']\")\n"
    )
    assert _confidence(code, "SLS124") == ["low"]
    client = code.replace("def show(tvdb_id):\n", "def show():\n    tvdb_id = request.args['id']\n")
    assert _confidence(client, "SLS124") == ["high"]
