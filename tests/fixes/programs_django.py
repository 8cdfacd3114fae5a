"""Django's HTML builders after SLS801/SLS802 fixes, run on real Django (`format_html`,
`conditional_escape`, `mark_safe`): no settings are needed for these functions."""

from tests.fixes.harness import Program
from tests.fixes.programs_web import SCRIPT, escaped_inside_markup

# requests and users are SimpleNamespaces (`request.GET`, `user.username`)
SAFE_STRING = "SafeString"  # what format_html and mark_safe return: a template does not escape it again


def is_safe_string(before, after):
    return type(before.value).__name__ == SAFE_STRING and type(after.value).__name__ == SAFE_STRING


PROGRAMS = [
    Program(
        "django-mark-safe-percent-built-with-format-html",
        "SLS801",
        "from django.utils.safestring import mark_safe\n\ndef comment(text):\n    return mark_safe(\"<div class='c'>%s</div>\" % text)\n",
        "unsafe",
        [
            ("comment('Nice post')", "same"),
            ("comment('100% agree')", "same"),
            ("comment(3)", "same"),
            ("comment('x')", is_safe_string),
            # markup the caller already marked safe is kept (format_html uses conditional_escape)
            ("comment(mark_safe('<i>beta</i>'))", "same"),
            (f"comment({SCRIPT!r})", escaped_inside_markup("<div class='c'>&lt;script")),
        ],
        fixed_has=("format_html(\"<div class='c'>{}</div>\", text)", "from django.utils.html import format_html"),
        title_has="format_html",
    ),
    Program(
        "django-mark-safe-concatenation-built-with-format-html",
        "SLS801",
        "from django.utils.safestring import mark_safe\n\ndef bold(text):\n    return mark_safe('<b>' + text + '</b> {count}')\n",
        "unsafe",
        [
            ("bold('new')", "same"),  # the literal braces of the page are kept, not read as a field
            ("bold('')", "same"),
            ("bold('Tom & Jerry')", lambda b, a: a.value == "<b>Tom &amp; Jerry</b> {count}"),
            (f"bold({SCRIPT!r})", escaped_inside_markup("<b>&lt;script")),
            ("bold(None)", lambda b, a: b.error == "TypeError" and a.value == "<b>None</b> {count}"),  # `+` of None raised
        ],
    ),
    Program(
        "django-mark-safe-fstring-built-with-format-html",
        "SLS801",
        "from django.utils.safestring import mark_safe\n\ndef row(name, count):\n    return mark_safe(f'<tr><td>{name}</td><td>{count}</td></tr>')\n",
        "unsafe",
        [
            ("row('milk', 2)", "same"),
            ("row('milk', 2)", is_safe_string),
            (f"row({SCRIPT!r}, 1)", escaped_inside_markup("<tr><td>&lt;script")),
        ],
    ),
    Program(
        "django-mark-safe-request-value-escaped",
        "SLS801",
        "from django.utils.safestring import mark_safe\n\ndef label(request):\n    return mark_safe(request.GET['label'])\n",
        "unsafe",
        [
            ("label(__import__('types').SimpleNamespace(GET={'label': 'Plain'}))", "same"),
            ("label(__import__('types').SimpleNamespace(GET={'label': 'x'}))", is_safe_string),
            ("label(__import__('types').SimpleNamespace(GET={}))", "same"),  # missing: KeyError both times
            (f"label(__import__('types').SimpleNamespace(GET={{'label': {SCRIPT!r}}}))", lambda b, a: b.value == SCRIPT and a.value == "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ],
        fixed_has=("conditional_escape(request.GET['label'])",),
    ),
    Program(
        "django-format-html-prebuilt-template-gets-arguments",
        "SLS802",
        "from django.utils.html import format_html\n\ndef badge(user):\n    return format_html(f\"<span class='badge'>{user.username}</span>\")\n",
        "safe",
        [
            ("badge(__import__('types').SimpleNamespace(username='ann'))", "same"),
            ("badge(__import__('types').SimpleNamespace(username='ann'))", is_safe_string),
            ("badge(__import__('types').SimpleNamespace(username=''))", "same"),
            ("badge(__import__('types').SimpleNamespace(username=7))", "same"),
            (f"badge(__import__('types').SimpleNamespace(username={SCRIPT!r}))", escaped_inside_markup("<span class='badge'>&lt;script")),
        ],
        fixed_has=("format_html(\"<span class='badge'>{}</span>\", user.username)",),
    ),
]

