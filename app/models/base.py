"""The declarative base shared by every model: constraint names and created/updated times."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime, MetaData, String, exists
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every engine (SQLite keeps no zone, so we put UTC back on read)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class StateColumn(TypeDecorator):
    """A state machine's column: stored as its string, read back as the StrEnum member (app/models/states.py).

    Writing a value that is not a state of the machine fails before it reaches the database.
    """

    impl = String(20)
    cache_ok = True

    def __init__(self, enum: type[StrEnum]):
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value, dialect):
        return None if value is None else str(self.enum(value))

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum(value)


class json_elements(GenericFunction):  # noqa: N801 (named like the SQL functions it stands for)
    """The elements of a JSON list column as rows of text (`value`): json_each on SQLite,
    json_array_elements_text on PostgreSQL (its output column is also named value)."""

    inherit_cache = True


@compiles(json_elements)
def _json_each(element, compiler, **kw):
    return f"json_each({compiler.process(element.clauses, **kw)})"


@compiles(json_elements, "postgresql")
def _json_array_elements_text(element, compiler, **kw):
    return f"json_array_elements_text({compiler.process(element.clauses, **kw)})"


def json_list_has(column, value):
    """True where the JSON list in `column` holds `value`, evaluated by the database on either engine (so a
    filter on a list column is one indexed scan in SQL, not rows decoded and tested in Python)."""
    item = json_elements(column).table_valued("value")
    return exists().select_from(item).where(item.c.value == value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    registry = registry(type_annotation_map={datetime: UTCDateTime()})


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
