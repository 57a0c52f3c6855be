"""The binding against the real Redis and PostgreSQL that .ci/run provides."""

import uuid

import tickersense
from conftest import service_url


def test_redis_cache_serves_repeats():
    url = service_url("TICKERSENSE_TEST_REDIS_URL")
    c = tickersense.Client(store="memory://", cache=url)
    c.invalidate("stock_quote")
    first = c.quote("AAPL")
    second = c.quote("AAPL")
    assert first.price == second.price
    stats = {s.namespace: s for s in c.cache_stats()}
    assert stats["stock_quote"].hits >= 1 and stats["stock_quote"].errors == 0
    assert stats["stock_quote"].entries >= 1


def test_postgres_store_keeps_history():
    base = service_url("TICKERSENSE_TEST_POSTGRES_URL")
    schema = f"ts_py_{uuid.uuid4().hex[:12]}"
    import subprocess

    subprocess.run(["psql", base, "-qc", f"CREATE SCHEMA {schema}"], check=True)
    try:
        sep = "&" if "?" in base else "?"
        url = f"{base}{sep}options=-csearch_path%3D{schema}"
        first = tickersense.Client(store=url, cache="none://")
        h1 = first.history("JPM", "3mo", "1d")
        second = tickersense.Client(store=url, cache="none://")
        h2 = second.history("JPM", "3mo", "1d")
        assert h2.origin == "store" and h2.bars == h1.bars
        assert "postgres" in second.describe_store()
    finally:
        subprocess.run(["psql", base, "-qc", f"DROP SCHEMA {schema} CASCADE"], check=True)
