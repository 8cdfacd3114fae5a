"""`"%s/auth/%s" % (base, kind)` read as its text and the values its plain `%s` fields insert
(formatting.percent_pieces), so a helper's returned start reads past the template's first field."""

import ast

from secure_ls.engine.formatting import percent_pieces


def _pieces(source):
    found = percent_pieces(ast.parse(source, mode="eval").body)
    return None if found is None else [p if isinstance(p, str) else ast.unparse(p) for p in found]


def test_plain_fields_insert_their_values_in_order():
    assert _pieces("'%s/auth/%s?o=%s' % (a, b, c)") == ["", "a", "/auth/", "b", "?o=", "c", ""]
    assert _pieces("'/x/%s' % name") == ["/x/", "name", ""]
    assert _pieces("'100%% of %s' % (a,)") == ["100%", " of ", "a", ""]


def test_a_field_that_converts_pads_or_names_its_value_is_not_read():
    assert _pieces("'%d/%s' % (a, b)") is None
    assert _pieces("'%5s/x' % (a,)") is None
    assert _pieces("'%(host)s/x' % values") is None
    assert _pieces("'%r/x' % (a,)") is None


def test_values_that_do_not_fill_the_fields_are_not_read():
    assert _pieces("'%s/%s' % pair") is None
    assert _pieces("'%s/%s' % (*parts,)") is None
    assert _pieces("'%s' % (a, b)") is None
