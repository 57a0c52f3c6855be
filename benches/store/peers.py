"""The peers of the store_ingest bench, on the same 1,000,000 rows and the
same table: psycopg2's ``execute_values`` upsert (the seed's migration
service) and a plain ``COPY`` (no upsert: the floor any upsert pays on top).

    python benches/store/peers.py postgres://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import time

import psycopg2
from psycopg2.extras import execute_values

SYMBOLS = 100
BARS_PER_SYMBOL = 10_000
SCHEMA = "tickersense_bench_py"
TABLE = """CREATE TABLE price_bars (
    symbol TEXT NOT NULL, interval TEXT NOT NULL, ts TIMESTAMPTZ NOT NULL,
    open DOUBLE PRECISION NOT NULL, high DOUBLE PRECISION NOT NULL,
    low DOUBLE PRECISION NOT NULL, close DOUBLE PRECISION NOT NULL,
    adj_close DOUBLE PRECISION, volume BIGINT NOT NULL,
    PRIMARY KEY (symbol, interval, ts))"""
UPSERT = """INSERT INTO price_bars (symbol, interval, ts, open, high, low, close, adj_close, volume)
VALUES %s ON CONFLICT (symbol, interval, ts) DO UPDATE SET open = EXCLUDED.open,
high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
adj_close = EXCLUDED.adj_close, volume = EXCLUDED.volume"""


def rows_of(symbol: int) -> list[tuple]:
    start = dt.datetime(2024, 1, 2, 14, 30, tzinfo=dt.timezone.utc)
    rows = []
    for j in range(BARS_PER_SYMBOL):
        close = 100.0 + symbol + (j % 500) / 100.0
        ts = start + dt.timedelta(minutes=j)
        rows.append((f"S{symbol:03}", "1m", ts, close - 0.25, close + 0.5, close - 0.5, close, close, 1000 + j))
    return rows


def fresh_table(conn) -> None:
    with conn.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}; SET search_path = {SCHEMA}")
        cur.execute(TABLE)
    conn.commit()


def timed(label: str, total: int, run) -> None:
    started = time.perf_counter()
    run()
    secs = time.perf_counter() - started
    print(f"{label}: {total} rows in {secs:.2f} s = {total / secs:.0f} rows/s", flush=True)


def main(url: str) -> None:
    batches = [rows_of(i) for i in range(SYMBOLS)]
    total = SYMBOLS * BARS_PER_SYMBOL
    conn = psycopg2.connect(url)

    def execute_values_upsert():
        with conn.cursor() as cur:
            for batch in batches:
                execute_values(cur, UPSERT, batch, page_size=1000)
                conn.commit()

    def plain_copy():
        with conn.cursor() as cur:
            for batch in batches:
                text = io.StringIO()
                for r in batch:
                    text.write("\t".join([r[0], r[1], r[2].isoformat(), *map(repr, r[3:8]), str(r[8])]) + "\n")
                text.seek(0)
                cur.copy_expert("COPY price_bars FROM STDIN (FORMAT text)", text)
                conn.commit()

    fresh_table(conn)
    timed("psycopg2 execute_values upsert, insert (empty table)", total, execute_values_upsert)
    timed("psycopg2 execute_values upsert, upsert (every row a conflict)", total, execute_values_upsert)
    fresh_table(conn)
    timed("psycopg2 COPY, no upsert (empty table)", total, plain_copy)
    with conn.cursor() as cur:
        cur.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
    conn.commit()
    conn.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "postgres://postgres@127.0.0.1:5432/test")
