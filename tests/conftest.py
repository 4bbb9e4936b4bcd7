"""Shared fixtures (keep small; append, don't rewrite)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
OFFICIAL = REPO.parent / "shared" / "format" / "official_format.json"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def official() -> dict[str, Any]:
    """The shared official-format JSON (../shared next to the repo). Missing: skip, but fail when CI=true."""
    if not OFFICIAL.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{OFFICIAL} is missing: CI must hold every label against the shared format JSON")
        pytest.skip(f"{OFFICIAL} not found")
    return json.loads(OFFICIAL.read_text("utf-8"))
