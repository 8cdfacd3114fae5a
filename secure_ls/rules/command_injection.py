"""SLS102 command-injection."""

from __future__ import annotations

import ast

from secure_ls.engine import taint
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import shell, strings, web
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules.base import Example, Rule
from secure_ls.engine.taint import Sink

# Run their argument through a shell whatever the options: name -> (index, keyword names).
_ALWAYS_SHELL = {
    "os.system": (0, ("command",)),
    "os.popen": (0, ("cmd", "command")),
    "os.popen2": (0, ("cmd",)),
    "os.popen3": (0, ("cmd",)),
    "os.popen4": (0, ("cmd",)),
    "popen2.popen2": (0, ("cmd",)),
    "popen2.popen3": (0, ("cmd",)),
    "popen2.popen4": (0, ("cmd",)),
    "popen2.Popen3": (0, ("cmd",)),
    "popen2.Popen4": (0, ("cmd",)),
    "commands.getoutput": (0, ("cmd",)),
    "commands.getstatusoutput": (0, ("cmd",)),
    "subprocess.getoutput": (0, ("cmd",)),
    "subprocess.getstatusoutput": (0, ("cmd",)),
    "asyncio.create_subprocess_shell": (0, ("cmd",)),
    "asyncio.subprocess.create_subprocess_shell": (0, ("cmd",)),
}
# Run a shell when called with shell=True.
_SHELL_OPTION = frozenset(
    {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output", "subprocess.Popen"}
)
# Take an argument vector (run no shell unless told to, as in ["sh", "-c", cmd]):
# name -> (index of the argv, "list" for one list argument or "rest" for the
# positional arguments from that index on, dropping a trailing env for *e variants).
_ARGV = {
    "os.execl": (1, "rest"), "os.execlp": (1, "rest"), "os.execle": (1, "rest-env"), "os.execlpe": (1, "rest-env"),
    "os.execv": (1, "list"), "os.execvp": (1, "list"), "os.execve": (1, "list"), "os.execvpe": (1, "list"),
    "os.spawnl": (2, "rest"), "os.spawnlp": (2, "rest"), "os.spawnle": (2, "rest-env"), "os.spawnlpe": (2, "rest-env"),
    "os.spawnv": (2, "list"), "os.spawnvp": (2, "list"), "os.spawnve": (2, "list"), "os.spawnvpe": (2, "list"),
    "os.posix_spawn": (1, "list"), "os.posix_spawnp": (1, "list"),
    "pty.spawn": (0, "list"),
    "asyncio.create_subprocess_exec": (0, "rest"),
    "asyncio.subprocess.create_subprocess_exec": (0, "rest"),
}

# Methods that run a command line in a shell on another machine, by the library the file
# imports: paramiko's SSHClient.exec_command, Fabric's Connection.run/sudo (and invoke's local).
_REMOTE_SHELL = {"paramiko": frozenset({"exec_command"}), "fabric": frozenset({"run", "sudo", "local"})}


class CommandInjection(Rule):
    """
    ## What it does
    Finds shell commands built from non-constant data: `os.system`,
    `os.popen`, `subprocess.getoutput`/`getstatusoutput`, `commands.*`,
    `asyncio.create_subprocess_shell`, the `subprocess` functions (`run`,
    `call`, `check_call`, `check_output`, `Popen`) with `shell=True`, and
    argument vectors that start a shell with a command string
    (`["sh", "-c", cmd]` given to `subprocess`, `os.exec*`, `os.spawn*`,
    `pty.spawn`, `asyncio.create_subprocess_exec`).

    A command made only of constants is not reported, even with
    `shell=True`: nobody else can change it. An argument list without a
    shell (`subprocess.run(["ls", path])`) is not reported either: each
    item reaches the program as one argument, never parsed by a shell.
    A `shell=` option that is not a constant (`shell=shell`) runs a shell
    whenever the caller asks: a command that is not a constant given with
    it is the audit tier (low confidence).

    ## Why is this bad?
    The shell parses the whole string: a value containing `;`, `|`, `$(...)`
    or a backtick runs commands of its author's choosing, with the
    program's rights. A file name such as `x; rm -rf ~` is enough (CWE-78).

    ## How to fix it
    Pass an argument list and no shell: `subprocess.run(["ls", "-l", path])`.
    When the command cannot do without a shell (pipes, redirections), quote
    every inserted value with `shlex.quote()`.

    The quick fix does the first when the command is written in the call,
    every inserted value is a whole word and the constant text uses no shell
    syntax; otherwise it wraps the inserted values in `shlex.quote()`
    (dropping quotes that enclosed a value exactly). Both change what a value
    with spaces or wildcards means, so they are offered as unsafe fixes.
    A value taken from a web request is reported with high confidence, a
    function parameter with medium, anything else (or a whole command passed
    in by the caller) with low. In test modules (that import `pytest` or
    `unittest`) only data from outside the program is reported.

    ## References
    - https://docs.python.org/3/library/subprocess.html#security-considerations
    - https://docs.python.org/3/library/shlex.html#shlex.quote
    """

    id = "SLS102"
    name = "command-injection"
    title = "Shell command built from non-constant data"
    cwe = 78
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "injection"
    bandit = ("B602", "B605", "B606")
    fixable = True
    calls = frozenset(_ALWAYS_SHELL) | _SHELL_OPTION | frozenset(_ARGV)
    methods = frozenset({"subprocess_shell"}) | frozenset(m for names in _REMOTE_SHELL.values() for m in names)

    VALID = [
        'import subprocess\n\ndef listing(path):\n    return subprocess.run(["ls", "-l", path], check=True)\n',
        # a command the class stores on `self` from constants only
        'import os\n\nclass Lister:\n    def __init__(self):\n        self.command = "ls -l"\n\n    def run(self):\n        return os.system(self.command)\n',
        'import subprocess\n\nsubprocess.run("ls -l | wc -l", shell=True)\n',
        'import os\n\nos.system("clear")\n',
        'import subprocess\nimport shlex\n\ndef grep(pattern):\n    return subprocess.check_output(f"grep -r {shlex.quote(pattern)} . | head", shell=True)\n',
        'import subprocess\n\ndef tail(n):\n    subprocess.call("tail -n %d log.txt" % int(n), shell=True)\n',
        'class Runner:\n    def system(self, cmd):\n        return cmd\n\ndef f(r, x):\n    r.system("echo " + x)\n',
        'from myproject.shell import run\n\ndef deploy(host):\n    run(f"ssh {host} uptime", shell=True)\n',
        'import subprocess\nBASE = "/usr/bin/tool"\n\ndef version():\n    return subprocess.check_output(BASE + " --version", shell=True)\n',
        'import os\n\ndef build(target):\n    os.execvp("make", ["make", target])\n',
        'import argparse\nimport subprocess\n\nENVIRONMENTS = ("staging", "production")\n\ndef main():\n    parser = argparse.ArgumentParser()\n    parser.add_argument("env", choices=ENVIRONMENTS)\n    args = parser.parse_args()\n    subprocess.run(f"deploy {args.env}", shell=True)\n',
        # the check behind a one-line predicate: a regex fullmatch, an allow-list
        'import re\nimport subprocess\nfrom flask import request\n\nTARGET = re.compile(r"[a-z0-9_-]+")\n\ndef is_target(name):\n    return TARGET.fullmatch(name) is not None\n\ndef build():\n    name = request.args["target"]\n    if not is_target(name):\n        return "unknown target", 400\n    subprocess.run(f"make {name}", shell=True, check=True)\n    return "built"\n',
    ]
    INVALID = [
        # built from a constructor parameter in `__init__`, run in another method: quoted where it is built
        Example(
            'import os\n\nclass Archiver:\n    def __init__(self, folder):\n        self.command = "tar czf /tmp/out.tgz " + folder\n\n    def run(self):\n        return os.system(self.command)\n',
            fixed='import os\nimport shlex\n\nclass Archiver:\n    def __init__(self, folder):\n        self.command = "tar czf /tmp/out.tgz " + shlex.quote(folder)\n\n    def run(self):\n        return os.system(self.command)\n',
        ),
        Example(
            'import subprocess\n\ndef listing(path):\n    return subprocess.run(f"ls -l {path}", shell=True, check=True)\n',
            fixed='import subprocess\n\ndef listing(path):\n    return subprocess.run(["ls", "-l", path], check=True)\n',
        ),
        Example(
            'import os\nfrom flask import request\n\ndef ping():\n    host = request.args["host"]\n    os.system("ping -c 1 " + host)\n',
            fixed='import os\nfrom flask import request\nimport shlex\n\ndef ping():\n    host = request.args["host"]\n    os.system("ping -c 1 " + shlex.quote(host))\n',
        ),
        Example(
            'import subprocess\n\ndef count(pattern):\n    return subprocess.check_output(f"grep -c \'{pattern}\' /var/log/app.log | head -1", shell=True)\n',
            fixed='import subprocess\nimport shlex\n\ndef count(pattern):\n    return subprocess.check_output(f"grep -c {shlex.quote(pattern)} /var/log/app.log | head -1", shell=True)\n',
        ),
        Example(
            'from subprocess import Popen as P\n\ndef convert(src, dst):\n    cmd = "convert %s %s > /dev/null" % (src, dst)\n    return P(cmd, shell=True)\n',
            fixed='from subprocess import Popen as P\nimport shlex\n\ndef convert(src, dst):\n    cmd = "convert %s %s > /dev/null" % (shlex.quote(src), shlex.quote(dst))\n    return P(cmd, shell=True)\n',
        ),
        Example(
            'import subprocess\nimport sys\n\nsubprocess.run(["bash", "-c", "echo " + sys.argv[1]])\n',
            fixed='import subprocess\nimport sys\nimport shlex\n\nsubprocess.run(["bash", "-c", "echo " + shlex.quote(sys.argv[1])])\n',
        ),
        Example(
            'import asyncio\n\nasync def archive(name):\n    proc = await asyncio.create_subprocess_shell("tar czf {}.tgz data".format(name))\n    await proc.wait()\n',
            fixed='import asyncio\nimport shlex\n\nasync def archive(name):\n    proc = await asyncio.create_subprocess_shell("tar czf {}.tgz data".format(shlex.quote(name)))\n    await proc.wait()\n',
        ),
        Example(
            'import subprocess\n\ndef run(command):\n    return subprocess.getoutput(command)\n',
            fixed=None,
        ),
        Example(
            'import os\n\ndef run_job(user_cmd):\n    os.execl("/bin/sh", "sh", "-c", user_cmd)\n',
            fixed=None,
        ),
        # the client chooses which program runs
        Example(
            'import os\nfrom flask import request\n\ndef convert():\n    tool = request.form["tool"]\n    return os.spawnvp(os.P_WAIT, tool, [tool, "in.png", "out.png"])\n',
        ),
        # a command line for the shell of another machine
        Example(
            'import paramiko\nfrom flask import request\n\ndef restart(client: paramiko.SSHClient):\n    client.exec_command(f"sudo systemctl restart {request.json[\'service\']}")\n',
            fixed='import paramiko\nfrom flask import request\nimport shlex\n\ndef restart(client: paramiko.SSHClient):\n    client.exec_command(f"sudo systemctl restart {shlex.quote(request.json[\'service\'])}")\n',
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node)
        if isinstance(node.func, ast.Attribute) and name is None and node.args:
            if any(node.func.attr in methods and ctx.imports(library) for library, methods in _REMOTE_SHELL.items()):
                self._check(node, node.args[0], ctx, shell_option=None)  # `client.exec_command(f"... {x}")`
                return
        if isinstance(node.func, ast.Attribute) and node.func.attr == "subprocess_shell":
            if ctx.imports("asyncio"):  # loop.subprocess_shell(protocol_factory, cmd)
                command = ts.argument(node, 1, ("cmd",))
                if command is not None:
                    self._check(node, command, ctx, shell_option=None)
            return
        if name is None:
            return
        if name in _ALWAYS_SHELL:
            index, names = _ALWAYS_SHELL[name]
            command = ts.argument(node, index, names)
            if command is not None:
                self._check(node, command, ctx, shell_option=None)
            return
        if name in _SHELL_OPTION:
            command = ts.argument(node, 0, ("args",))
            if command is None:
                return
            option = ts.keyword(node, "shell")
            if option is not None and isinstance(option.value, ast.Constant) and option.value.value:
                if isinstance(command, (ast.List, ast.Tuple)):
                    return
                self._check(node, command, ctx, shell_option=option)
            elif isinstance(command, (ast.List, ast.Tuple)):
                self._check_argv(node, list(command.elts), ctx)
            elif option is not None and not ctx.origin(option.value).is_constant:
                # `shell=shell`: a shell whenever the caller asks for one (the audit tier)
                self._check(node, command, ctx, shell_option=None, maybe_shell=option.value)
            return
        if name in _ARGV:
            index, kind = _ARGV[name]
            if kind == "list":
                argv = ts.argument(node, index, ("argv", "args"))
                if not isinstance(argv, (ast.List, ast.Tuple)):
                    return
                elements = list(argv.elts)
            else:
                elements = list(node.args[index:])
                if kind == "rest-env" and elements:
                    elements = elements[:-1]
            program = node.args[index - 1] if index >= 1 and name.startswith("os.exec") and len(node.args) >= index else None
            if name.startswith("os.spawn") and len(node.args) > 1:
                program = node.args[1]
            if program is not None and self._check_program(program, ctx):
                return
            if program is not None and elements and shell.is_shell_program(program, ctx):
                elements = [program] + elements[1:]
            self._check_argv(node, elements, ctx)

    def _check_program(self, program: ast.expr, ctx) -> bool:
        """`os.spawnvp(os.P_WAIT, request.form["tool"], ...)`: the client picks the program to run."""
        part = ctx.origin(program).risk(Sink.SHELL)
        if part is None or part.kind != taint.UNTRUSTED:
            return False
        ctx.report(
            self,
            program,
            f"The program to run is taken from {ts.phrase(part, ts.short(ctx, program))}: any executable on the machine can be "
            "started. Choose the program from a fixed table of allowed commands.",
            confidence=part.confidence(parameter=Confidence.LOW),
            related=ctx.related_path(part),
        )
        return True

    def _check_argv(self, node: ast.Call, elements: list[ast.expr], ctx) -> None:
        command = shell.shell_command_argument(elements, ctx)
        if command is not None:
            self._check(node, command, ctx, shell_option=None, in_argv=True)

    def _check(
        self, call: ast.Call, command: ast.expr, ctx, shell_option: ast.keyword | None, in_argv: bool = False, maybe_shell: ast.expr | None = None
    ) -> None:
        built, inline = command, True
        if not strings.is_built(command) and isinstance(command, (ast.Name, ast.Attribute)):  # `self.cmd` too
            value = ts.single_value(command, ctx)
            if value is not None and strings.is_built(value):
                built, inline = value, False
            elif value is not None and isinstance(value, (ast.List, ast.Tuple)):
                return  # a list given to shell=True: not a command line
        parts = strings.pieces(built) if strings.is_built(built) else None
        if parts is not None:
            dynamic = strings.values(parts)
        else:
            dynamic = [command]
        worst, where = web.worst_value(ctx, dynamic, Sink.SHELL)
        if worst is None or (worst.kind != taint.UNTRUSTED and ctx.in_test_code(call)):
            return
        whole = parts is None and not strings.is_built(built)
        # a whole command from a parameter is the audit tier; so is one from the configuration only then
        caller = Confidence.LOW if whole else Confidence.MEDIUM
        confidence = worst.confidence(parameter=caller, configuration=caller)
        if maybe_shell is not None:
            confidence = Confidence.LOW

        def tainted(node: ast.expr) -> bool:
            return ctx.origin(node).risk(Sink.SHELL) is not None

        fix = None
        if parts is not None:
            fix = self._fix(call, command, built, inline, parts, shell_option, ctx, tainted)
        source = ts.phrase(worst, ts.short(ctx, where if where is not None else command))
        if maybe_shell is not None:
            message = (
                f"Shell command taken from {source} and run with `shell={ctx.text(maybe_shell)}`: when that is true, "
                "a shell parses it. Pass an argument list and no shell."
            )
        elif whole:
            message = (
                f"Shell command taken whole from {source}: make sure it cannot come from a user, "
                "or run the program with an argument list and no shell."
            )
        else:
            advice = "pass an argument list with no shell, or quote the value with shlex.quote()"
            message = f"Shell command built from {source}: {advice}."
        ctx.report(
            self, command, message, fix=fix, confidence=confidence, related=ctx.related_path(worst), rewrites=None if inline else built
        )

    def _fix(self, call, command, built, inline, parts, shell_option, ctx, tainted) -> Fix | None:
        if shell_option is not None and inline and shell.percent_is_simple(built):
            items = shell.argv_items(parts, ctx, tainted)
            if items is not None:
                edits = (ctx.replace(built, "[" + ", ".join(items) + "]"), ctx.delete_keyword(call, shell_option))
                return Fix("Pass an argument list without a shell", edits, safe=False)
        edits = shell.quote_edits(built, parts, ctx, tainted)
        if edits is None:
            return None
        return Fix("Quote the inserted values with shlex.quote()", tuple(edits), safe=False, imports=("import shlex",))
