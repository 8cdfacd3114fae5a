"""Fixes whose safety depends on another module of the workspace, run before and after.

PyYAML's loaders are shared by the whole program: a module that registers a tag
(`yaml.add_constructor`, a `YAMLObject` subclass) changes what every `yaml.load(...,
Loader=yaml.Loader)` in the modules importing it accepts, and `yaml.safe_load` refuses that
tag. Each case is a small package analysed with the workspace's resolver, as the CLI and
the editor do; its loading function runs in a fresh interpreter (the registrations are
global to the process) before the fix and after fix-all (safe fixes) and after the rule's
own fixes, unsafe ones included (real PyYAML).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from secure_ls.engine.analyzer import Engine
from secure_ls.engine.edits import apply_fixes
from secure_ls.engine.workspace import WorkspaceSummaries

LOADS = "import yaml\n\nfrom app.tags import register_tags\n\nregister_tags()\n\ndef read(text):\n    return yaml.load(text, Loader=yaml.Loader)\n"
TAGS = 'import yaml\n\ndef _env(loader, node):\n    return "ENV:" + loader.construct_scalar(node)\n\ndef register_tags():\n    yaml.add_constructor("!env", _env, Loader=yaml.Loader)\n'
MODELS = 'import yaml\n\nclass Point(yaml.YAMLObject):\n    yaml_tag = "!Point"\n    yaml_loader = yaml.Loader\n\n    def __init__(self, x):\n        self.x = x\n'
STORE = "import yaml\n\nfrom app.models import Point\n\ndef read(text):\n    return yaml.load(text, Loader=yaml.Loader)\n"
PLAIN_TAGS = "import yaml\n\ndef register_tags():\n    return None\n"

CASES = {
    # (modules, the module that loads, documents to load, what the engine must offer)
    "tag-registered-in-an-imported-module": ({"app/tags.py": TAGS, "app/config.py": LOADS}, "app/config.py", ["home: !env HOME", "a: [1, 2]"], "unsafe"),
    "yamlobject-in-an-imported-module": ({"app/models.py": MODELS, "app/store.py": STORE}, "app/store.py", ["!Point {x: 3}", "k: v"], "unsafe"),
    "imported-module-registers-nothing": ({"app/tags.py": PLAIN_TAGS, "app/config.py": LOADS}, "app/config.py", ["a: [1, 2]", "when: 2024-01-02"], "safe"),
}

RUN = (
    "import json, sys\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "module = __import__(sys.argv[2], fromlist=['read'])\n"
    "out = []\n"
    "for text in json.loads(sys.argv[3]):\n"
    "    try:\n"
    "        value = module.read(text)\n"
    "        out.append(repr(value) if type(value).__module__ == 'builtins' else type(value).__name__ + repr(vars(value)))\n"
    "    except Exception as error:\n"
    "        out.append('raised ' + type(error).__name__)\n"
    "print(json.dumps(out))\n"
)


def _outcomes(root, module: str, documents: list[str]) -> list[str]:
    dotted = module[: -len(".py")].replace("/", ".")
    done = subprocess.run([sys.executable, "-c", RUN, str(root), dotted, json.dumps(documents)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _analyse(root, module: str):
    path = root / module
    resolver = WorkspaceSummaries([str(root)]).resolver_for(str(path))
    result = Engine().analyze(path.read_text(), imports_resolver=resolver, path=str(path))
    return [f for f in result.findings if f.rule_id == "SLS104"]


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_yaml_fix_sees_registrations_in_imported_modules(case, tmp_path):
    modules, loader, documents, offered = CASES[case]
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    for name, text in modules.items():
        (tmp_path / name).write_text(text)
    original = modules[loader]
    (finding,) = _analyse(tmp_path, loader)
    assert ("safe" if finding.fix.safe else "unsafe") == offered, finding.fix.title
    before = _outcomes(tmp_path, loader, documents)
    fix_all, _ = apply_fixes(original, [finding], unsafe=False)
    (tmp_path / loader).write_text(fix_all)
    # fix-all changes the program only where the change keeps every document loading as before
    assert _outcomes(tmp_path, loader, documents) == before
    if offered == "unsafe":
        assert fix_all == original
        imported = next(m for m in modules if m != loader)[: -len(".py")].replace("/", ".")
        assert f"`{imported}`, imported here" in finding.fix.title
        forced, _ = apply_fixes(original, [finding], unsafe=True)
        (tmp_path / loader).write_text(forced)
        # the unsafe fix does what its title says: the module's own tag is refused
        after = _outcomes(tmp_path, loader, documents)
        assert after[0] == "raised ConstructorError" and not before[0].startswith("raised") and after[1:] == before[1:]
    else:
        assert "yaml.safe_load(text)" in fix_all
