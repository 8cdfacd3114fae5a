"""SLS202 hardcoded-token."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import config, secrets
from secure_ls.rules.base import Example, Rule, code


class HardcodedToken(Rule):
    """
    ## What it does
    Finds credentials recognisable by their format in any string literal,
    whatever the variable is called: AWS access key IDs (`AKIA...`), GitHub
    tokens (`ghp_...`, `github_pat_...`), GitLab tokens (`glpat-...`), Slack
    tokens (`xoxb-...`), Stripe live secret keys (`sk_live_...`), Google API
    keys (`AIza...`), OpenAI and Anthropic API keys, SendGrid keys, npm,
    PyPI and Hugging Face tokens, JSON Web Tokens (`eyJ...`) and PEM private keys
    (`-----BEGIN ... PRIVATE KEY-----` with a key body). Documentation
    values (AWS's `...EXAMPLE` keys, `xxxx` fillers, repeated characters)
    and docstrings are not reported; test code, and the samples of an API
    document (an OpenAPI `"example"`, `Field(example=...)`), are reported
    with low confidence, since a real key committed there leaks just the same.
    So is a JSON Web Token whose `exp` claim has passed: every verifier
    refuses it, though it still shows the claims and, signed with a weak
    HMAC key, lets that key be guessed offline.

    ## Why is this bad?
    These formats are what secret scanners (and attackers' scrapers of
    public repositories) look for: a live key committed to a repository is
    typically abused within minutes of being pushed, and stays in the
    history after it is deleted (CWE-798).

    ## How to fix it
    Revoke the credential with its provider first, then load its
    replacement from the environment or a secret manager. When the literal
    is exactly the token and is assigned to a name, passed as a keyword or
    stored under a dict key, the quick fix replaces it with
    `os.environ["NAME"]` (NAME from that name, in upper snake case); a token
    written into the environment (`os.environ["NAME"] = "..."`) is removed. The fix
    is unsafe: the environment must now provide the value. The message shows
    only a masked form of the credential.
    """

    id = "SLS202"
    name = "hardcoded-token"
    title = "Hard-coded API key, token or private key"
    cwe = 798
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "secrets"
    bandit = ("B105",)
    codeql = ("py/hardcoded-credentials",)
    fixable = True

    VALID = [
        'AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"\n',
        code("""
            import os
            GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]
            prefix = "ghp_"
        """),
        code("""
            def is_pem(text):
                return text.startswith("-----BEGIN RSA PRIVATE KEY-----")
        """),
        code('''
            def f():
                """Use a token like ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789."""
        '''),
        'KEY = "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----"\n',
    ]
    INVALID = [
        Example(
            code("""
                import boto3

                client = boto3.client("s3", aws_access_key_id="AKIA2OGYBAH6RQK7ZLMP")
            """),
            fixed=code("""
                import boto3
                import os

                client = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])
            """),
            where='"AKIA2OGYBAH6RQK7ZLMP"',
            says="Hard-coded AWS access key ID AKIA****",
        ),
        Example(
            code("""
                from github import Github

                gh = Github("ghp_4Rt9ZkQ2mW8xV1nB7cL3pD6fH0jS5aY2eUoI")
            """),
            fixed=None,
            where='"ghp_4Rt9ZkQ2mW8xV1nB7cL3pD6fH0jS5aY2eUoI"',
            says="Hard-coded GitHub token ghp_****",
        ),
        Example(
            code("""
                import stripe

                stripe.api_key = "sk_live_51Hq2v9KxR8mZt3LpW7nB4cYd"
            """),
            fixed=code("""
                import stripe
                import os

                stripe.api_key = os.environ["API_KEY"]
            """),
            where='"sk_live_51Hq2v9KxR8mZt3LpW7nB4cYd"',
            says="Hard-coded Stripe secret key sk_l****",
        ),
        Example(
            code("""
                import requests

                headers = {"Authorization": "Bearer xoxb-730295816402-5183920475619-Zk8Qw2Lr7Tn4Vb9Xc1Md6Hs3"}
            """),
            fixed=None,
            where='"Bearer xoxb-',
            says="Hard-coded Slack token xoxb****",
        ),
        Example(
            code("""
                import os

                os.environ["HF_TOKEN"] = "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"
            """),
            fixed='import os\n\n',
            where='"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"',
            says="Hard-coded Hugging Face token hf_Q****",
        ),
        Example(
            'SLACK = {"bot": "xoxb-902345678901-4829103847562-Qw7Er5Ty2Ui9Op3As8Df1Gh4"}\n',
            fixed=code("""
                import os
                SLACK = {"bot": os.environ["BOT"]}
            """),
            where='"xoxb-902345678901-4829103847562-Qw7Er5Ty2Ui9Op3As8Df1Gh4"',
            says="Hard-coded Slack token xoxb****",
        ),
    ]

    def visit_Constant(self, node: ast.Constant, ctx) -> None:
        value = secrets.string_constant(node)
        if value is None or len(value) < 20:
            return
        if secrets.is_docstring(node, ctx):
            return  # asked first: most long strings are docstrings, and 14 searches through each cost more
        found = secrets.known_token(value)
        if found is None:
            return
        label, token = found
        fix = None
        owner = secrets.literal_owner(node, ctx)
        if owner is not None and token.strip() == value.strip() and label != "private key":
            kind, name, _ = owner
            text = secrets.env_fix_text(kind, name) + (".encode()" if isinstance(node.value, bytes) else "")
            fix = Fix(f"Read {config.upper_snake(name)} from the environment", (ctx.replace(node, text),), safe=False, imports=("import os",))
            environ = secrets.environ_assignment(node, ctx)
            if environ is not None:
                deletion = secrets.delete_statement(environ, ctx)
                fix = Fix(f"Let the environment provide {name}", (deletion,), safe=False) if deletion else None
        sample = secrets.in_documentation_example(node, ctx)  # an OpenAPI `example`: shown to readers of the API docs
        expired = label == "JSON Web Token" and secrets.jwt_expired(token)  # refused by every verifier
        confidence = Confidence.LOW if ctx.in_test_code(node) or sample or expired else (Confidence.MEDIUM if label == "JSON Web Token" else Confidence.HIGH)
        shown = "a private key" if label == "private key" else f"{label} {secrets.mask(token)}" + (" (expired)" if expired else "")
        ctx.report(
            self,
            node,
            f"Hard-coded {shown}: revoke it, then load the replacement from the environment or a secret manager.",
            fix=fix,
            confidence=confidence,
        )
