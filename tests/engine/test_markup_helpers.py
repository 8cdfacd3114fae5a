"""SLS801 on a helper's own parameter: a helper that puts its bare parameter in markup
(`def icon_tag(icon): return mark_safe(f"<i>{icon}</i>")`) is handed that text by its callers,
often markup by contract (an icon, a CSS block, a URL the template author wrote). Where a caller
hands it request data, SLS803 reports that call; the helper's own finding is the audit tier. An
object's fields (`obj.name`: text users stored) and the value a form widget renders (what the
client submitted) stay in the default tier."""

from tests.engine.test_engine import _low_until_undone, rules


def test_a_bare_parameter_in_markup_is_the_audit_tier_but_an_objects_field_is_not():
    code = (
        "from django.utils.safestring import mark_safe\n\n"
        "def icon_title(icon, obj):\n    return mark_safe(f'<span>{icon} {obj.title}</span>')\n"
    )
    # the object's field is the worst value: medium; the bare icon alone: low
    _low_until_undone("SLS801", code.replace(" {obj.title}", ""), "{icon}", "{obj.title}", "medium")


def test_the_value_a_widget_renders_stays_the_default_tier():
    code = (
        "from django import forms\nfrom django.utils.safestring import mark_safe\n\n"
        "class Helper:\n    def render(self, name, value, attrs=None, renderer=None):\n"
        "        return mark_safe(f'<span class=\"badge\">{value}</span>')\n"
    )
    _low_until_undone("SLS801", code, "class Helper:", "class BadgeWidget(forms.TextInput):", "medium")


def test_a_caller_handing_the_helper_request_data_is_reported_at_the_call():
    code = (
        "from django.http import HttpResponse\nfrom django.utils.safestring import mark_safe\n\n"
        "def badge(text):\n    return mark_safe(f'<b>{text}</b>')\n\n"
        "def view(request):\n    return HttpResponse(badge(request.GET['q']))\n"
    )
    assert "SLS803" in rules(code)


def test_markup_a_helper_builds_from_its_bare_parameters_is_the_audit_tier_too():
    # `css = '<link href="%s">' % css_url` with the program's own values beside it (url_for, settings):
    # still what the callers hand over; an object's field among the pieces keeps it medium
    code = (
        "from flask import url_for\nfrom markupsafe import Markup\n\n"
        "def load(css_url=None):\n    css = '<link href=\"%s\">' % url_for('static', filename='x.css')\n"
        "    if css_url:\n        css = '<link href=\"%s\">' % css_url\n    return Markup('<head>%s</head>' % css)\n"
    )
    _low_until_undone("SLS801", code, "% css_url", "% css_url.name", "medium")


def test_a_url_reversed_from_a_rows_key_holds_no_markup():
    # the route's text is the developer's and reverse() percent-encodes what it fills in: a
    # link built from a row's integer key carries no markup, whatever template it goes into
    code = (
        "from django.contrib import admin\nfrom django.urls import reverse\nfrom django.utils.html import format_html\n\n"
        "class ReactionAdmin(admin.ModelAdmin):\n    def link_to_comment(self, obj):\n"
        "        link = reverse('admin:comments_comment_change', args=(obj.comment.id,))\n"
        "        return format_html('<a href=\"%s\">Comment #%s</a>' % (link, obj.comment.id))\n"
    )
    assert "SLS802" not in rules(code)
    # a text field of the row filled in may hold `'`, which reverse() leaves as it is
    assert "SLS802" in rules(code.replace("args=(obj.comment.id,)", "args=(obj.comment.slug,)"))


def test_a_url_reversed_from_a_field_stays_the_unknown_reverse_makes_of_it():
    # reverse() percent-encodes what it fills in: a link to the row's page in markup is no
    # field's text put there, as it would be without reverse()
    code = (
        "from django.contrib import admin\nfrom django.urls import reverse\nfrom django.utils.safestring import mark_safe\n\n"
        "class ReviewAdmin(admin.ModelAdmin):\n    def vote_link(self, obj):\n"
        "        url = reverse('admin:reviews_vote_change', kwargs={'review_item_id': obj.object_id})\n"
        "        return mark_safe(f'<a href=\"{url}\">Edit your vote</a>')\n"
    )
    assert "SLS801" not in rules(code)
    assert "SLS801" in rules(code.replace("url = reverse('admin:reviews_vote_change', kwargs={'review_item_id': obj.object_id})", "url = obj.object_id"))
