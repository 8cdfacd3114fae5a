"""Which distribution (the name a project declares and pip installs) provides the modules
that fixes import. One table for the whole engine: `Fix.requires` is computed from it, and
the project layer (project.py) uses it to tell whether the project declares what a fix
needs. Standard-library modules need nothing."""

from __future__ import annotations

import sys

# import name -> distribution, for every third-party module a rule's fix may import
DISTRIBUTIONS = {
    "bcrypt": "bcrypt",
    "certifi": "certifi",
    "defusedxml": "defusedxml",
    "markupsafe": "MarkupSafe",
    "passlib": "passlib",
    "cryptography": "cryptography",
    "Crypto": "pycryptodome",
    "Cryptodome": "pycryptodomex",
    "ldap3": "ldap3",
    "jinja2": "Jinja2",
    "yaml": "PyYAML",
    "paramiko": "paramiko",
    "flask": "Flask",
    "django": "Django",
    "werkzeug": "Werkzeug",
}


def distribution(module: str) -> str | None:
    """The distribution that provides `module` (dotted or not); None for the standard library."""
    top = module.split(".", 1)[0]
    if top in sys.stdlib_module_names or top == "__future__":
        return None
    return DISTRIBUTIONS.get(top, top)
