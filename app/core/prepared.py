"""The reads every signed-in page makes, compiled once and run on the driver's cursor.

Through Connection.execute, each run of a small select cost about 20 µs of SQLAlchemy's work per
execution (the cache-key walk, an execution context, a result object) against 3–5 µs for SQLite's
answer, and Min side makes four of them on every view (bench/README.md). A PreparedRead compiles
its statement once per dialect and converts values with the same bind and result types SQLAlchemy
would use, so the rows are the same; only the per-execution machinery is skipped. Listeners of
before_cursor_execute still see each statement (tests count and place statements with it).

Rows come back as records the caller declares next to the statement (a domain's queries.py): frozen
dataclasses whose fields are the selected columns, carrying the same derived properties as the model
(a mixin both inherit), so a template reads a record exactly as it reads the model object."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, fields, is_dataclass
from types import MemberDescriptorType
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app.core.db import connection_of


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positional_names: tuple[str, ...] | None  # None: the driver takes a dict (psycopg)
    fixed_params: dict[str, Any]  # literal values the statement binds itself
    required: frozenset[str]  # parameters each run must give
    bind_processors: dict[str, Any]
    result_processors: list
    shapes: list[tuple[Any, int, int]]  # record class (or tuple's maker), first and last column + 1


class PreparedRead:
    """A Core select whose rows come back as one record per part given, in order. A part is a record
    class, a dataclass whose fields are the next columns of the statement, by name and in order (so
    `select(a_table, b_table)` gives two records and like-named columns, such as id and status, stay
    apart); a table's new column the record lacks is an error at the first run, not a silent gap.
    `tuple` as the last part takes the remaining columns as a plain tuple (columns a caller assembles
    at run time, such as Min side's probes). One part: each row is that record; more: a tuple of them.

    Not for statements with expanding parameters (IN lists): their SQL changes with each run."""

    def __init__(self, statement, *parts: type):
        if not parts:
            raise TypeError("give the record class of each part of a row")
        self.statement = statement
        self.parts = parts
        self._by_dialect: dict[str, _Compiled] = {}

    def all(self, db: Session | Connection, **params) -> list:
        connection = db if isinstance(db, Connection) else connection_of(db)
        compiled = self._by_dialect.get(connection.dialect.name) or self._compile(connection.dialect)
        if not compiled.required <= params.keys():
            raise TypeError(f"missing parameters: {sorted(compiled.required - params.keys())}")
        values = {**compiled.fixed_params, **params}
        for name, process in compiled.bind_processors.items():
            values[name] = process(values[name])
        args = tuple(values[name] for name in compiled.positional_names) \
            if compiled.positional_names is not None else values
        cursor = None
        try:
            cursor = connection.connection.cursor()
            for listener in connection.dispatch.before_cursor_execute:
                listener(connection, cursor, compiled.sql, args, None, False)
            cursor.execute(compiled.sql, args)
            fetched = cursor.fetchall()
        except connection.dialect.loaded_dbapi.Error as error:
            _raise_as_sqlalchemy_would(connection, cursor, compiled.sql, args, error)
        finally:
            if cursor is not None:
                with suppress(connection.dialect.loaded_dbapi.Error):  # a dropped connection's cursor
                    cursor.close()
        processors = compiled.result_processors
        records = []
        for raw in fetched:
            row = [process(value) if process else value for process, value in zip(processors, raw)]
            parts = tuple(make(*row[start:end]) for make, start, end in compiled.shapes)
            records.append(parts if len(parts) > 1 else parts[0])
        return records

    def first(self, db: Session | Connection, **params):
        rows = self.all(db, **params)
        return rows[0] if rows else None

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        columns = list(self.statement.selected_columns)
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("expanding parameters (IN lists) change the SQL: use Connection.execute")
        binds = {name: bind.type.dialect_impl(dialect).bind_processor(dialect) for name, bind in compiled.binds.items()}
        shapes, start = [], 0
        for part in self.parts:
            if part is tuple:
                shapes.append((_as_tuple, start, len(columns)))
                start = len(columns)
                continue
            if not is_dataclass(part):
                raise TypeError(f"{part!r} is not a record class (a dataclass) nor tuple")
            names = tuple(f.name for f in fields(part))
            selected = tuple(c.key for c in columns[start:start + len(names)])
            if selected != names:
                raise ValueError(f"the statement must select exactly {part.__name__}'s fields, in order: "
                                 f"{names} against {selected}")
            shapes.append((_maker(part, names), start, start + len(names)))
            start += len(names)
        if start != len(columns):
            raise ValueError("the statement must select exactly the records' fields, in order: "
                             f"{[c.key for c in columns[start:]]} left over")
        prepared = _Compiled(
            sql=str(compiled),
            positional_names=tuple(compiled.positiontup) if compiled.positional else None,
            fixed_params=dict(compiled.params),
            required=frozenset(name for name, bind in compiled.binds.items() if bind.required),
            bind_processors={name: process for name, process in binds.items() if process is not None},
            result_processors=[column.type.dialect_impl(dialect).result_processor(dialect, None)
                               for column in columns],
            shapes=shapes,
        )
        self._by_dialect[dialect.name] = prepared
        return prepared


def _raise_as_sqlalchemy_would(connection: Connection, cursor, sql: str, args, error: Exception):
    """What Connection.execute does with a driver's error: a dropped connection is invalidated, so
    the pool replaces it (pool_pre_ping checks the others at checkout), and the error is raised as
    SQLAlchemy's own, which the app's error handling knows."""
    dialect = connection.dialect
    dropped = dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor)
    if dropped:
        connection.invalidate(error)
    raise DBAPIError.instance(sql, args, error, dialect.loaded_dbapi.Error, connection_invalidated=dropped,
                              dialect=dialect) from error


def _as_tuple(*values):
    return values


def _maker(record: type, names: tuple[str, ...]):
    """A function that makes a record from its field values at about half the cost of a frozen
    dataclass's __init__, which looks up and calls object.__setattr__ once per field (0.8 against
    1.4 µs for 14 fields; a namedtuple took 0.25, and Min side reads 3-4 records a view). It fills the
    slots as that __init__ does, so it is only for records whose __init__ does nothing more (no
    __post_init__, every field in __init__, slots of their own); any other record class is called."""
    slots = [vars(record).get(name) for name in names]
    if hasattr(record, "__post_init__") or not all(f.init for f in fields(record)) \
            or not all(isinstance(slot, MemberDescriptorType) for slot in slots):
        return record
    args = ", ".join(f"v{i}" for i in range(len(names)))
    body = "".join(f"    s{i}(o, v{i})\n" for i in range(len(names)))
    scope = {"new": object.__new__, "record": record,
             **{f"s{i}": slot.__set__ for i, slot in enumerate(slots)}}
    exec(f"def make({args}):\n    o = new(record)\n{body}    return o\n", scope)  # as dataclasses does
    return scope["make"]
