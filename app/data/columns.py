"""Query results by column, straight from the driver, for results of tens of thousands of rows.

SQLAlchemy builds a Row per result row and runs each column's converter on it; for a
search returning 40,000 reads that costs as much as the query. Here the driver's own
tuples are kept, and only the columns that need converting (a SQLite timestamp, stored as
text) are converted, a whole column at a time.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import Connection, Select

Converter = Callable[[object], object] | None


def driver_rows(connection: Connection, stmt: Select) -> tuple[list[tuple], list[Converter]]:
    """The rows as the driver returns them, unconverted, and each column's converter: sort
    and filter the rows, then hand both to `to_columns`. Comparing SQLite timestamps as
    text is safe: SQLAlchemy stores them in one fixed-width form."""
    result = connection.execute(stmt)
    try:
        cursor = result.cursor
        if cursor is None:
            return [], []
        dialect = connection.dialect
        converters = [column.type.dialect_impl(dialect).result_processor(dialect, described[1])
                      for column, described in zip(stmt.selected_columns, cursor.description)]
        return cursor.fetchall(), converters
    finally:
        result.close()


def to_columns(rows: list[tuple], converters: list[Converter], width: int) -> list[list]:
    """`width` columns of the rows, each converted as SQLAlchemy would convert it."""
    if not rows:
        return [[] for _ in range(width)]
    columns = [list(values) for values in zip(*rows)]
    for i, convert in enumerate(converters):
        if convert is not None:
            columns[i] = [convert(value) for value in columns[i]]
    return columns
