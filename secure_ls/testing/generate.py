"""Generated Python files of a given size: realistic code with a finding every ~100 lines
(for the benchmarks in bench/ and the tests of incremental analysis and parallel runs)."""

from __future__ import annotations

TEMPLATES = [
    '''def load_user_{i}(conn, user_id):
    """Fetch one user row."""
    cur = conn.cursor()
    cur.execute("SELECT id, name FROM users WHERE id = ?", (user_id,))
    row = cur.fetchone()
    if row is None:
        return None
    return {{"id": row[0], "name": row[1]}}
''',
    '''class Service{i}:
    def __init__(self, client, retries=3):
        self.client = client
        self.retries = retries

    def fetch(self, path):
        for attempt in range(self.retries):
            response = self.client.get(path, timeout=10)
            if response.ok:
                return response.json()
        raise RuntimeError(f"failed after {{self.retries}} attempts: {{path}}")
''',
    '''def report_{i}(conn, name):
    query = f"SELECT * FROM reports WHERE owner = '{{name}}'"
    return conn.execute(query).fetchall()
''',
    '''def summarize_{i}(values):
    total = 0
    for value in values:
        if value > 0:
            total += value
        else:
            total -= value // 2
    return {{"total": total, "count": len(values), "mean": total / max(len(values), 1)}}
''',
    '''def digest_{i}(password):
    import hashlib
    return hashlib.sha1(password.encode()).hexdigest()
''',
]


def generate(lines: int) -> str:
    """About `lines` lines; one block in eight holds a finding (about one per 100 lines)."""
    clean = [TEMPLATES[0], TEMPLATES[1], TEMPLATES[3]]
    findings = [TEMPLATES[2], TEMPLATES[4]]
    out = ['"""Generated module for benchmarks."""', "import sqlite3", "import hashlib", "import requests", ""]
    count = len(out)
    i = 0
    while count < lines:
        block = findings[(i // 8) % 2] if i % 8 == 7 else clean[i % 3]
        text = block.format(i=i)
        out.append(text)
        count += text.count("\n") + 1
        i += 1
    return "\n".join(out)
