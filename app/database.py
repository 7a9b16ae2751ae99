"""Database engine set-up in one place: pool options per engine, SQLite's pragmas and functions.

SQLite is the embedded default, PostgreSQL production; both must behave the same for alta's queries.
"""

from __future__ import annotations

from sqlalchemy import String, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.functions import GenericFunction


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # No pooled SQLite handles: an idle one can keep a lock, and one inherited by the worker's forked
        # work horse would, when closed there, checkpoint and remove the WAL the parent still uses.
        return {"poolclass": NullPool, "connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}


class unicode_lower(GenericFunction):  # noqa: N801 - SQL function names are lower case
    """lower() that folds accented capitals too (SQLite's own lower() only folds ASCII: "Ú" stays "Ú")."""

    type = String()
    inherit_cache = True


@compiles(unicode_lower)
def _lower_default(element, compiler, **kw):
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(unicode_lower, "sqlite")
def _lower_sqlite(element, compiler, **kw):
    return f"alta_lower({compiler.process(element.clauses, **kw)})"


def _python_lower(value):
    return value.lower() if isinstance(value, str) else value


@event.listens_for(Engine, "connect")
def _sqlite_connection(dbapi_connection, _record) -> None:
    """WAL lets readers work while a writer commits; busy_timeout waits for the lock instead of failing."""
    if not type(dbapi_connection).__module__.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # Safe with WAL (no corruption on power loss; only the last commits may be lost) and much cheaper.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    dbapi_connection.create_function("alta_lower", 1, _python_lower, deterministic=True)
