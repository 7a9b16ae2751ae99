"""The benchmarks' baseline: a bare Flask endpoint doing one INSERT, on the same database (bench only)."""

from __future__ import annotations

import os
import secrets

from flask import Flask
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, event, insert

URL = os.environ["ALTA_DATABASE_URL"]
engine = create_engine(URL, **({"connect_args": {"timeout": 30}} if URL.startswith("sqlite") else {}))


@event.listens_for(engine, "connect")
def _pragmas(dbapi_connection, _record) -> None:
    # The same SQLite settings as the app, so the comparison is fair.
    if URL.startswith("sqlite"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


metadata = MetaData()
rows = Table("bench_baseline_row", metadata, Column("id", Integer, primary_key=True), Column("value", String(64)))
metadata.create_all(engine)

app = Flask(__name__)


@app.post("/insert")
def insert_one():
    with engine.begin() as conn:
        conn.execute(insert(rows).values(value=secrets.token_hex(8)))
    return "ok"
