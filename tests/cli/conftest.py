"""Command line tests: `secure-ls` run as a subprocess on files made for each test."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
