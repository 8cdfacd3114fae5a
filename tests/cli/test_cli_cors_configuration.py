"""flask-cors takes the origins a call leaves out from the application's `CORS_ORIGINS`
(engine/corsconfig.py): `@cross_origin(supports_credentials=True)` in a project whose settings
list the allowed origins lets only those in (alerta's idiom), so SLS508 reports it only where
the setting allows every origin, or, in the audit tier, where it is read from the environment."""

from __future__ import annotations

from tests.cli.cli_helpers import check_json, write

VIEWS = """
from flask import Blueprint, jsonify
from flask_cors import cross_origin

auth = Blueprint("auth", __name__)


@auth.route("/auth/login", methods=["OPTIONS", "POST"])
@cross_origin(supports_credentials=True)
def login():
    return jsonify(status="ok")
"""

SETTINGS = """
DEBUG = False
CORS_ORIGINS = [
    "http://localhost",
    "https://app.example.com",
]
"""


def _levels(root, *args) -> list[tuple[int, str]]:
    run = check_json(".", *args, cwd=root)
    return sorted((f["range"]["start"]["line"], f["confidence"]) for f in run.findings() if f["rule"] == "SLS508")


def test_origins_listed_in_the_projects_settings_are_what_flask_cors_allows(tmp_path):
    root = write(tmp_path / "listed", {"app/__init__.py": "", "app/settings.py": SETTINGS, "app/auth.py": VIEWS})
    assert _levels(root, "--min-confidence", "low") == []
    # no setting anywhere: flask-cors falls back to "*"
    root = write(tmp_path / "unset", {"app/__init__.py": "", "app/settings.py": "DEBUG = False\n", "app/auth.py": VIEWS})
    assert _levels(root) == [(8, "high")]
    # the setting allows every origin
    root = write(tmp_path / "star", {"app/__init__.py": "", "app/config.py": 'CORS_ORIGINS = "*"\n', "app/auth.py": VIEWS})
    assert _levels(root) == [(8, "high")]
    # read from the environment: the operator decides, the audit tier
    env = 'import os\n\nCORS_ORIGINS = os.environ["ALLOWED_ORIGINS"].split(",")\n'
    root = write(tmp_path / "env", {"app/__init__.py": "", "app/config.py": env, "app/auth.py": VIEWS})
    assert _levels(root) == []
    assert _levels(root, "--min-confidence", "low") == [(8, "low")]
