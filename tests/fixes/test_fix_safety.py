"""Fix safety on real code nobody here wrote: a fixed sample of the standard library.

Every offered fix is applied one at a time and all together; the result must
parse, the finding must be gone, nothing but the finding's statement (and added
imports) may change, and fixing again must change nothing more. The checks are
in tests/fuzz/fixcheck.py; `python -m bench.fix_safety` runs them on everything.
"""

from __future__ import annotations

import re
from pathlib import Path


from tests.fuzz import fixcheck

# Files likely to hold fixable findings, found by a cheap text filter (so the sample
# exercises many fixes), plus an even spread of everything else.
_LIKELY = re.compile(
    r"hashlib\.(md5|sha1)\(|shell=True|verify=False|yaml\.load\(|mktemp\(|os\.chmod\(|requests\.(get|post)\("
    r"|random\.(random|randint|choice)\(|pickle\.loads?\(|\.execute\(f?\"|== *\w*(token|secret|digest|signature)"
    r"|xml\.etree|tarfile|hmac\.new\(|= *open\(|sqlite3\.connect\(|urlopen\(|CERT_NONE|check_hostname|0o7[67]7"
)
_KNOWN = ["test/test_sqlite3/test_regression.py", "xml/dom/pulldom.py", "tempfile.py", "smtplib.py"]


def _sample() -> list[Path]:
    if not fixcheck.STDLIB.is_dir():
        return []
    files = [p for p in fixcheck.python_files([fixcheck.STDLIB]) if "site-packages" not in p.parts and p.stat().st_size < 40_000]
    likely = [p for p in files if _LIKELY.search(p.read_text(encoding="utf-8", errors="replace"))]
    others = [p for p in files if p not in set(likely)]
    chosen = likely[:: max(1, len(likely) // 110)][:110] + others[:: max(1, len(others) // 110)][:110]
    return chosen + [fixcheck.STDLIB / k for k in _KNOWN if (fixcheck.STDLIB / k).exists()]


def test_fixes_are_safe_on_a_sample_of_the_standard_library():
    assert fixcheck.STDLIB.is_dir(), f"no standard library sources at {fixcheck.STDLIB}: this test needs real code to fix"
    files = _sample()
    report = fixcheck.run(files)
    print("\n" + report.summary())
    assert report.files >= 200
    assert report.fixes_applied >= 15, "the sample no longer exercises fixes: widen _LIKELY"
    assert not report.internal_errors, report.internal_errors[:5]
    assert not report.problems, "\n\n".join(str(p) for p in report.problems[:10])
