"""XML parsed with defusedxml (real defusedxml and Expat), shell commands run as argument lists
(real processes), and secrets from the `secrets` module (real generators)."""

from pathlib import Path

from tests.fixes.harness import Program

# ---- XML -------------------------------------------------------------------------------------
# A document whose entities expand: each level multiplies the text (billion laughs, kept small
# so that the standard library's parser, which expands it, returns quickly).
LAUGHS = (
    '<!DOCTYPE order [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    '<order><item sku="&c;" qty="1"/></order>'
)
# A document naming a local file as an external entity (XXE): a file beside this one, standing
# for a server's configuration, whose line the check looks for in what the parser returned.
LOCAL_FILE = Path(__file__).resolve().with_name("local_file.txt")
SECRET_LINE = LOCAL_FILE.read_text().strip()
XXE = f'<!DOCTYPE feed [<!ENTITY leak SYSTEM "{LOCAL_FILE.as_uri()}">]><feed><title>&leak;</title></feed>'

ORDER_VIEW = (
    "import xml.etree.ElementTree as ET\n"
    "from flask import Flask, request\n\n"
    "app = Flask(__name__)\n\n"
    '@app.route("/orders", methods=["POST"])\n'
    "def upload_order():\n"
    "    root = ET.fromstring(request.data)\n"
    "    return [(item.get('sku'), int(item.get('qty', '1'))) for item in root.iter('item')]\n"
)
SAX_TITLES = (
    "import io\nimport xml.sax\nfrom xml.sax.handler import ContentHandler, feature_external_ges\n\n"
    "class Titles(ContentHandler):\n"
    "    def __init__(self):\n        super().__init__()\n        self.titles = []\n        self.text = None\n\n"
    "    def startElement(self, name, attrs):\n        if name == 'title':\n            self.text = []\n\n"
    "    def characters(self, content):\n        if self.text is not None:\n            self.text.append(content)\n\n"
    "    def endElement(self, name):\n        if name == 'title':\n            self.titles.append(''.join(self.text))\n            self.text = None\n\n"
    "def read_titles(document):\n"
    "    handler = Titles()\n"
    "    parser = xml.sax.make_parser()\n"
    "    parser.setFeature(feature_external_ges, True)\n"
    "    parser.setContentHandler(handler)\n"
    "    parser.parse(io.BytesIO(document.encode()))\n"
    "    return handler.titles\n"
)


def expanded_then_refused(before, after):
    """The standard library expanded the entities (64 "lol"s in the attribute); defusedxml
    refuses the document."""
    return before.error is None and "lol" * 64 in str(before.value) and after.error == "EntitiesForbidden"


def file_read_then_refused(before, after):
    """Before the fix the parser read the named file into the title; after it refuses the document."""
    return before.error is None and any(SECRET_LINE in title for title in before.value) and after.error == "EntitiesForbidden"


# ---- shell commands ----------------------------------------------------------------------------
INJECTED = "nothing; echo INJECTED"


def injection_stopped(before, after):
    """The shell ran the attacker's command (its output on a line of its own); with an argument
    list the value is one argument, printed as given."""
    return before.error is None and "INJECTED" in before.value.splitlines() and after.value == f"Welcome {INJECTED}\n"


# ---- randomness --------------------------------------------------------------------------------
# The attack on `random`: its state can be recovered or, as here, set; the same seed gives the
# same secret again. `secrets` draws from the operating system and ignores the seed.
# Reseeded, `random` gives the same values again; `secrets` does not. Twenty calls each, so that
# a value drawn from a small range (an OTP of 5 values) is not equal twice by chance (5**-20).
RESEEDED = "(__import__('random').seed(7), [{call} for _ in range(20)])[1] == (__import__('random').seed(7), [{call} for _ in range(20)])[1]"


def predictable_then_not(before, after):
    return before.value is True and after.value is False


PROGRAMS = [
    # ---- XML -----------------------------------------------------------------------------------
    Program(
        "xml-order-upload-defusedxml",
        "SLS108",
        ORDER_VIEW,
        "unsafe",
        [
            ("flask_view(upload_order, data=b'<order><item sku=\"a1\" qty=\"2\"/><item sku=\"b7\"/></order>')", "same"),
            ("flask_view(upload_order, data=b'<order/>')", "same"),
            ("flask_view(upload_order, data='<order><item sku=\"caf\\u00e9\"/></order>'.encode())", "same"),
            ("flask_view(upload_order, data=b'<order><item sku=')", "same"),  # malformed: ParseError both times
            ("flask_view(upload_order, data=b'')", "same"),
            (f"flask_view(upload_order, data={LAUGHS.encode()!r})", expanded_then_refused),
        ],
        fixed_has=("defusedxml.ElementTree.fromstring(request.data)", "import defusedxml.ElementTree"),
        title_has="defusedxml.ElementTree.fromstring",
    ),
    Program(
        "xml-minidom-settings-defusedxml",
        "SLS108",
        "from xml.dom import minidom\n\n"
        "def load_settings(document):\n"
        "    dom = minidom.parseString(document)\n"
        "    return {node.getAttribute('name'): node.getAttribute('value') for node in dom.getElementsByTagName('setting')}\n",
        "unsafe",
        [
            ("load_settings('<settings><setting name=\"theme\" value=\"dark\"/><setting name=\"lang\" value=\"fr\"/></settings>')", "same"),
            ("load_settings('<settings/>')", "same"),
            ("load_settings('<settings>')", "same"),  # malformed: ExpatError both times
            (f"load_settings({LAUGHS.replace('order', 'settings').replace('item sku', 'setting name')!r})", expanded_then_refused),
        ],
        fixed_has=("defusedxml.minidom.parseString(document)",),
    ),
    Program(
        "xml-sax-external-entities-defusedxml",
        "SLS108",
        SAX_TITLES,
        "unsafe",
        [
            ("read_titles('<feed><title>Release 2.0</title><title>Fish &amp; chips</title></feed>')", "same"),
            ("read_titles('<feed/>')", "same"),
            ("read_titles('<feed><title>')", "same"),  # malformed: SAXParseException both times
            (f"read_titles({XXE!r})", file_read_then_refused),
        ],
        fixed_has=("defusedxml.sax.make_parser()",),
    ),
    # ---- shell commands --------------------------------------------------------------------------
    Program(
        "shell-file-size-argument-list",
        "SLS102",
        "import subprocess\n\n"
        "def file_size(path):\n"
        "    result = subprocess.run(f'wc -c {path}', shell=True, capture_output=True, text=True)\n"
        "    return result.stdout.split()[:1], result.returncode == 0\n",
        "unsafe",
        [
            ("file_size(__import__('os').devnull)", "same"),
            ("file_size('/no/such/file')", "same"),
            (f"file_size({INJECTED!r})", lambda b, a: b.value[1] and not a.value[1] and "INJECTED" not in str(a.value)),
        ],
        fixed_has=('["wc", "-c", path]',),
        fixed_lacks=("shell=True",),
    ),
    Program(
        "shell-echo-output-argument-list",
        "SLS102",
        "import subprocess\n\n"
        "def banner(name):\n"
        "    return subprocess.run('echo Welcome %s' % name, shell=True, capture_output=True, text=True).stdout\n",
        "unsafe",
        [
            ("banner('ann')", "same"),
            ("banner('Ann-Marie')", "same"),
            (f"banner({INJECTED!r})", injection_stopped),
        ],
        fixed_lacks=("shell=True",),
    ),
    Program(
        # the command is built here and run by the module's helper (a forwarded sink): quoted here
        "shell-built-for-a-helper-quoted-at-the-call",
        "SLS102",
        "import subprocess\n\n"
        "def greet(name):\n"
        "    return shell('echo Welcome ' + name)\n\n"
        "def shell(cmd):\n"
        "    return subprocess.getoutput(cmd)\n",
        "unsafe",
        [
            ("greet('ann')", "same"),
            ("greet('Ann-Marie')", "same"),
            (f"greet({INJECTED!r})", lambda b, a: "INJECTED" in b.value.splitlines() and a.value == f"Welcome {INJECTED}"),
        ],
        fixed_has=("shlex.quote(name)",),
    ),
    # ---- randomness ------------------------------------------------------------------------------
    Program(
        "random-pin-digits-secrets",
        "SLS304",
        "import random\n\ndef new_pin():\n    return ''.join(str(random.randint(0, 9)) for _ in range(6))\n",
        "safe",
        [
            ("(lambda pins: (all(len(p) == 6 and p.isdigit() for p in pins), set(''.join(pins)) == set('0123456789')))([new_pin() for _ in range(500)])", "same"),
            ("type(new_pin()).__name__", "same"),
            (RESEEDED.format(call="new_pin()"), predictable_then_not),
        ],
        fixed_has=("secrets.randbelow(10)",),
    ),
    Program(
        "random-reset-token-choices-secrets",
        "SLS304",
        "import random\nimport string\n\nALPHABET = string.ascii_letters + string.digits\n\n"
        "def reset_token():\n    return ''.join(random.choices(ALPHABET, k=24))\n",
        "safe",
        [
            ("(lambda tokens: (all(len(t) == 24 and set(t) <= set(ALPHABET) for t in tokens), set(''.join(tokens)) == set(ALPHABET)))([reset_token() for _ in range(300)])", "same"),
            (RESEEDED.format(call="reset_token()"), predictable_then_not),
        ],
    ),
    Program(
        "random-otp-range-secrets",
        "SLS304",
        "import random\n\ndef send_code(outbox):\n    otp = random.randint(100, 104)\n    outbox.append(otp)\n    return otp\n",
        "safe",
        [
            ("sorted({send_code([]) for _ in range(400)})", "same"),  # every value of the range, and no other
            ("type(send_code([])).__name__", "same"),
            (RESEEDED.format(call="send_code([])"), predictable_then_not),
        ],
        fixed_has=("secrets.randbelow(5) + 100",),
    ),
]
