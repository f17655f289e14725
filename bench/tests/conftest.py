"""The tiny generated dataset the benchmark's tests run on (PostgreSQL only: COPY)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from bench import generate as gen

ON_POSTGRESQL = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the generator loads with PostgreSQL COPY; run it with DATABASE_URL on PostgreSQL",
    ),
]


@pytest.fixture
def dataset(tmp_path: Path) -> dict[str, Any]:
    """The national dataset at 1 % (five districts), media files under ``tmp_path``."""
    return gen.generate(scale=0.01, seed=3, log=lambda s: None, media_root=str(tmp_path))
