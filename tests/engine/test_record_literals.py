"""A field that every instance of a record class the module makes holds a literal in: read from a
parameter annotated with that class, it is the program's own text at most as far as the engine can
tell (another module could make an instance), so a command built from it is the audit tier, while
a field the module fills from its callers' values stays their input (engine/record_literals.py)."""

from secure_ls.engine.analyzer import Engine
from secure_ls.engine.model import Confidence
from tests.engine.test_engine import _quiet_until_undone

ENGINE = Engine()

DEPLOY = (
    "import subprocess\nimport sys\nfrom dataclasses import dataclass\n\n"
    "@dataclass\nclass Target:\n"
    "    host: str\n    tag: str\n    user: str\n    backup_dir: str = '~/backup/'\n\n"
    "def target(env, user):\n"
    "    return {'staging': Target('staging.example.org', 'latest', user),\n"
    "            'prod': Target(host='example.org', tag='stable', user=user)}[env]\n\n"
    "def deploy(config: Target):\n"
    "    subprocess.run(f'docker pull image:{config.tag} && ls {config.backup_dir}', shell=True)\n"
    "    subprocess.run(f'login -u {config.user}', shell=True)\n\n"
    "deploy(target(sys.argv[1], sys.argv[2]))\n"
)


def _command_confidences(code):
    findings = [f for f in ENGINE.analyze(code).findings if f.rule_id == "SLS102"]
    return {code.splitlines()[f.span.start.line].split("'")[1].split()[0]: f.confidence for f in findings}


def test_a_field_every_instance_fills_with_a_literal_is_the_audit_tier():
    found = _command_confidences(DEPLOY)
    assert found["docker"] == Confidence.LOW
    assert found["login"] == Confidence.MEDIUM


def test_a_field_one_instance_fills_from_a_caller_stays_the_callers():
    for changed in (
        DEPLOY.replace("'latest', user)", "user, user)"),  # by position
        DEPLOY.replace("Target(host='example.org',", "Target(backup_dir=env, host='example.org',"),  # over a default
        DEPLOY.replace("    subprocess.run(f'login", "    config.tag = user\n    subprocess.run(f'login"),  # assigned
    ):
        found = _command_confidences(changed)
        assert found["docker"] == Confidence.MEDIUM, changed


def test_a_field_of_the_class_a_parameter_is_annotated_with_holds_what_the_class_declares():
    # a notebook kernel runs the code objects a cell holds: compiled elsewhere, where their text was judged
    code = (
        "from dataclasses import dataclass\nfrom types import CodeType\n\n"
        "@dataclass\nclass CellImpl:\n    body: CodeType | None\n    count: int\n\n"
        "def execute_cell(cell: CellImpl, glbls):\n    exec(cell.body, glbls)\n"
    )
    _quiet_until_undone("SLS103", code, "body: CodeType | None", "body: str")
    # a field declared a number holds no command text
    shell = code.replace("    exec(cell.body, glbls)\n", "    import os\n    os.system('sleep %s' % cell.count)\n")
    _quiet_until_undone("SLS102", shell, "count: int", "count: str")
