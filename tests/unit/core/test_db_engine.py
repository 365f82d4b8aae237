"""The engine factory accepts every SQLite URL form: file, ':memory:' and the bare in-memory 'sqlite://'."""

import pytest
from sqlalchemy import text

from app.core.db import make_engine


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_sqlite_urls_make_a_working_engine(url):
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("select 1")).scalar() == 1
    engine.dispose()


def test_file_sqlite_gets_a_sized_pool(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    assert engine.pool.size() >= 10
    engine.dispose()
