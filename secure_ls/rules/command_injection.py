"""SLS102 command-injection."""

from __future__ import annotations

import ast

from secure_ls.engine import taint
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import shell, strings, web
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules.base import Example, Rule, code
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
    `pty.spawn`, `asyncio.create_subprocess_exec`, written in the call or
    held by a name; for `cmd.exe /c` and PowerShell's `-Command`, every
    item after the flag, which they join into one command line). A command
    built for a function that hands it on whole to `os.system` or another
    always-shell call (`def shell(cmd): os.system(cmd)`) is judged where it
    is built.

    A command made only of constants is not reported, even with
    `shell=True`: nobody else can change it. An argument list without a
    shell (`subprocess.run(["ls", path])`) is not reported either: each
    item reaches the program as one argument, never parsed by a shell.
    The program an `os.exec*`/`os.spawn*` call runs is reported when it is
    not a constant, but not `argv[0]` of a list that starts with a constant
    and is only grown at its end (`append`, `extend`) or given a constant in
    front (`argv.insert(0, "authbind")`): what was added is arguments.
    A `shell=` option that is not a constant (`shell=shell`) runs a shell
    whenever the caller asks: a command that is not a constant given with
    it is the audit tier (low confidence).
    So is a field of a parameter annotated with a record class of the
    module (`def deploy(config: Target)`, `config.tag`) that every instance
    the module makes fills with a literal: the program's own text as far as
    the module shows, though another module could make an instance of its own.

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
    forwarded_sink = Sink.SHELL
    bandit = ("B602", "B605", "B606")
    codeql = ("py/command-line-injection", "py/shell-command-constructed-from-input")
    fixable = True
    calls = frozenset(_ALWAYS_SHELL) | _SHELL_OPTION | frozenset(_ARGV)
    methods = frozenset({"subprocess_shell"}) | frozenset(m for names in _REMOTE_SHELL.values() for m in names)

    VALID = [
        # a template without fields gives itself back, whatever `.format()` is handed
        code("""
            import subprocess
            import sys

            def describe(version):
                return subprocess.Popen("git describe --tags --abbrev=8".format(*version), shell=True)

            describe(sys.argv[1:])
        """),
        # the program is the list's constant first item: arguments only go after it
        code("""
            import os
            import sys

            def start(args):
                argv = ["twistd", "--umask=0022"]
                argv.extend(args)
                argv.append("cowrie")
                print("Starting: " + " ".join(argv))
                if os.environ.get("AUTHBIND_ENABLED"):
                    argv.insert(0, "authbind")
                os.execvp(argv[0], argv)

            if __name__ == "__main__":
                start(sys.argv[1:])
        """),
        code("""
            import subprocess

            def listing(path):
                return subprocess.run(["ls", "-l", path], check=True)
        """),
        # a command the class stores on `self` from constants only
        code("""
            import os

            class Lister:
                def __init__(self):
                    self.command = "ls -l"

                def run(self):
                    return os.system(self.command)
        """),
        code("""
            import subprocess

            subprocess.run("ls -l | wc -l", shell=True)
        """),
        code("""
            import os

            os.system("clear")
        """),
        code("""
            import subprocess
            import shlex

            def grep(pattern):
                return subprocess.check_output(f"grep -r {shlex.quote(pattern)} . | head", shell=True)
        """),
        code("""
            import subprocess

            def tail(n):
                subprocess.call("tail -n %d log.txt" % int(n), shell=True)
        """),
        code("""
            class Runner:
                def system(self, cmd):
                    return cmd

            def f(r, x):
                r.system("echo " + x)
        """),
        code("""
            from myproject.shell import run

            def deploy(host):
                run(f"ssh {host} uptime", shell=True)
        """),
        code("""
            import subprocess
            BASE = "/usr/bin/tool"

            def version():
                return subprocess.check_output(BASE + " --version", shell=True)
        """),
        code("""
            import os

            def build(target):
                os.execvp("make", ["make", target])
        """),
        code("""
            import argparse
            import subprocess

            ENVIRONMENTS = ("staging", "production")

            def main():
                parser = argparse.ArgumentParser()
                parser.add_argument("env", choices=ENVIRONMENTS)
                args = parser.parse_args()
                subprocess.run(f"deploy {args.env}", shell=True)
        """),
        # the check behind a one-line predicate: a regex fullmatch, an allow-list
        code("""
            import re
            import subprocess
            from flask import request

            TARGET = re.compile(r"[a-z0-9_-]+")

            def is_target(name):
                return TARGET.fullmatch(name) is not None

            def build():
                name = request.args["target"]
                if not is_target(name):
                    return "unknown target", 400
                subprocess.run(f"make {name}", shell=True, check=True)
                return "built"
        """),
    ]
    INVALID = [
        Example(  # built here, run by the module's helper
            code("""
                import os
                from flask import request

                def archive():
                    shell("tar czf /tmp/backup.tgz " + request.args["name"])

                def shell(cmd):  # its own finding: the audit tier, a command taken whole
                    return os.system(cmd)
            """),
            fixed=code("""
                import os
                from flask import request
                import shlex

                def archive():
                    shell("tar czf /tmp/backup.tgz " + shlex.quote(request.args["name"]))

                def shell(cmd):  # its own finding: the audit tier, a command taken whole
                    return os.system(cmd)
            """),
            count=2,
            where='request.args["name"]',
            says="Shell command built from the Flask request",
        ),
        Example(  # cmd.exe joins every item after /c into the command line it parses
            code("""
                import subprocess
                from flask import request

                def echo():
                    args = ["cmd.exe", "/c", "echo", request.args["text"]]
                    return subprocess.check_output(args)
            """),
            where='request.args["text"]',
            says="Shell command taken whole from the Flask request",
        ),
        # built from a constructor parameter in `__init__`, run in another method: quoted where it is built
        Example(
            code("""
                import os

                class Archiver:
                    def __init__(self, folder):
                        self.command = "tar czf /tmp/out.tgz " + folder

                    def run(self):
                        return os.system(self.command)
            """),
            fixed=code("""
                import os
                import shlex

                class Archiver:
                    def __init__(self, folder):
                        self.command = "tar czf /tmp/out.tgz " + shlex.quote(folder)

                    def run(self):
                        return os.system(self.command)
            """),
            where="self.command",
            says="Shell command built from the parameter `folder`",
        ),
        Example(
            code("""
                import subprocess

                def listing(path):
                    return subprocess.run(f"ls -l {path}", shell=True, check=True)
            """),
            fixed=code("""
                import subprocess

                def listing(path):
                    return subprocess.run(["ls", "-l", path], check=True)
            """),
            where='f"ls -l {path}"',
            says="Shell command built from the parameter `path`",
        ),
        Example(
            code("""
                import os
                from flask import request

                def ping():
                    host = request.args["host"]
                    os.system("ping -c 1 " + host)
            """),
            fixed=code("""
                import os
                from flask import request
                import shlex

                def ping():
                    host = request.args["host"]
                    os.system("ping -c 1 " + shlex.quote(host))
            """),
            where='"ping -c 1 " + host',
            says="Shell command built from the Flask request",
        ),
        Example(
            code("""
                import subprocess

                def count(pattern):
                    return subprocess.check_output(f"grep -c '{pattern}' /var/log/app.log | head -1", shell=True)
            """),
            fixed=code("""
                import subprocess
                import shlex

                def count(pattern):
                    return subprocess.check_output(f"grep -c {shlex.quote(pattern)} /var/log/app.log | head -1", shell=True)
            """),
            where='f"grep -c \'{pattern}\' /var/log/app.log | head -1"',
            says="Shell command built from the parameter `pattern`",
        ),
        Example(
            code("""
                from subprocess import Popen as P

                def convert(src, dst):
                    cmd = "convert %s %s > /dev/null" % (src, dst)
                    return P(cmd, shell=True)
            """),
            fixed=code("""
                from subprocess import Popen as P
                import shlex

                def convert(src, dst):
                    cmd = "convert %s %s > /dev/null" % (shlex.quote(src), shlex.quote(dst))
                    return P(cmd, shell=True)
            """),
            where="cmd",
            says="Shell command built from the parameter `src`",
        ),
        Example(
            code("""
                import subprocess
                import sys

                subprocess.run(["bash", "-c", "echo " + sys.argv[1]])
            """),
            fixed=code("""
                import subprocess
                import sys
                import shlex

                subprocess.run(["bash", "-c", "echo " + shlex.quote(sys.argv[1])])
            """),
            where='"echo " + sys.argv[1]',
            says="Shell command built from command-line arguments",
        ),
        Example(
            code("""
                import asyncio

                async def archive(name):
                    proc = await asyncio.create_subprocess_shell("tar czf {}.tgz data".format(name))
                    await proc.wait()
            """),
            fixed=code("""
                import asyncio
                import shlex

                async def archive(name):
                    proc = await asyncio.create_subprocess_shell("tar czf {}.tgz data".format(shlex.quote(name)))
                    await proc.wait()
            """),
            where='"tar czf {}.tgz data".format(name)',
            says="Shell command built from the parameter `name`",
        ),
        Example(
            code("""
                import subprocess

                def run(command):
                    return subprocess.getoutput(command)
            """),
            fixed=None,
            where="command",
            says="Shell command taken whole from the parameter `command`",
        ),
        Example(
            code("""
                import os

                def run_job(user_cmd):
                    os.execl("/bin/sh", "sh", "-c", user_cmd)
            """),
            fixed=None,
            where="user_cmd",
            says="Shell command taken whole from the parameter `user_cmd`",
        ),
        # the command line puts its own program in front of the list
        Example(
            code("""
                import os
                import sys

                def start(args):
                    argv = ["twistd", "--umask=0022"]
                    argv.extend(args)
                    argv.insert(0, sys.argv[1])
                    os.execvp(argv[0], argv)
            """),
            where="argv[0]",
            says="The program to run is taken from command-line arguments",
        ),
        # the client chooses which program runs
        Example(
            code("""
                import os
                from flask import request

                def convert():
                    tool = request.form["tool"]
                    return os.spawnvp(os.P_WAIT, tool, [tool, "in.png", "out.png"])
            """),
            where="tool",
            says="The program to run is taken from the Flask request",
        ),
        # a command line for the shell of another machine
        Example(
            code("""
                import paramiko
                from flask import request

                def restart(client: paramiko.SSHClient):
                    client.exec_command(f"sudo systemctl restart {request.json['service']}")
            """),
            fixed=code("""
                import paramiko
                from flask import request
                import shlex

                def restart(client: paramiko.SSHClient):
                    client.exec_command(f"sudo systemctl restart {shlex.quote(request.json['service'])}")
            """),
            where='f"sudo systemctl restart {request.json[\'service\']}"',
            says="Shell command built from the Flask request",
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
            elif isinstance(listed := ts.single_value(command, ctx) if isinstance(command, ast.Name) else None, (ast.List, ast.Tuple)):
                self._check_argv(node, list(listed.elts), ctx)  # `args = ["sh", "-c", cmd]` then `run(args)`
            elif option is not None and not ctx.origin(option.value).is_constant:
                # `shell=shell`: a shell whenever the caller asks for one (the audit tier)
                self._check(node, command, ctx, shell_option=None, maybe_shell=option.value)
            return
        if name in _ARGV:
            index, kind = _ARGV[name]
            if kind == "list":
                argv = ts.argument(node, index, ("argv", "args"))
                if isinstance(argv, ast.Name):
                    argv = ts.single_value(argv, ctx)  # `argv = ["sh", "-c", cmd]` then `os.execv(path, argv)`
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
        if shell.fixed_program(program, ctx.parent(program), ctx):
            return False  # `argv = ["twistd", ...]; argv.extend(sys.argv[1:])`, then `argv[0]`: still twistd
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

    def visit_Forwarded(self, node: ast.Call, callee: str, position: str, command: ast.expr, ctx) -> None:
        # `shell("tar czf " + name)` where `def shell(cmd): os.system(cmd)`: the command is built
        # here and run by a shell inside
        if callee in _ALWAYS_SHELL:
            index, names = _ALWAYS_SHELL[callee]
            if position == str(index) or position in names:
                self._check(node, command, ctx, shell_option=None)

    def _check_argv(self, node: ast.Call, elements: list[ast.expr], ctx) -> None:
        for command in shell.shell_command_arguments(elements, ctx):
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
