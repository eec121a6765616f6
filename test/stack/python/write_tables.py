"""Writes Iceberg tables with PyIceberg and records what PyIceberg itself reads from every snapshot and ref.

Usage: python write_tables.py CONFIG_JSON

CONFIG_JSON is a JSON object:
  warehouse    the catalog warehouse: a local folder URI (file:///...) or s3://bucket/prefix
  catalog_db   path of the SQLite file of PyIceberg's SqlCatalog
  out          where the report (JSON) is written
  suite        "local": every partition transform PyIceberg writes (several to a table, some tables without
               column metrics so that only partition values prune), schema evolution, overwrites,
               copy-on-write and position deletes, a tag and a branch with writes, nested and other types;
               "s3": one partitioned table with a few snapshots, deletes and a tag
  properties   catalog properties (s3.endpoint, s3.access-key-id, ...), optional

The report holds, per table, the final metadata file, every snapshot with PyIceberg's scan of it
(`table.scan(snapshot_id=...)`, with the snapshot's schema), every ref with its rows (a tag with its
snapshot's schema, a branch with the table's, as Java reads them), and filtered scans of the current
snapshot with the files PyIceberg planned for them. Values use floe's plain forms:
ints as numbers (strings beyond 2^53), decimals as strings with `scale` digits, dates ISO,
timestamps 'YYYY-MM-DD HH:MM:SS[.ffffff]', timestamptz in UTC followed by '+00', bytes as hex.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
import time
import traceback
import uuid
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.parquet as pq
import pyiceberg
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import (
    AlwaysTrue,
    BooleanExpression,
    EqualTo,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    IsNull,
    LessThan,
    LessThanOrEqual,
    NotEqualTo,
    NotNull,
    StartsWith,
)
from pyiceberg.io.pyarrow import ArrowScan, schema_to_pyarrow
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.table import Table
from pyiceberg.transforms import (
    BucketTransform,
    DayTransform,
    HourTransform,
    IdentityTransform,
    MonthTransform,
    Transform,
    TruncateTransform,
    VoidTransform,
    YearTransform,
)
from pyiceberg.types import (
    BinaryType,
    BooleanType,
    DateType,
    DecimalType,
    DoubleType,
    FixedType,
    FloatType,
    IntegerType,
    ListType,
    LongType,
    MapType,
    NestedField,
    StringType,
    StructType,
    TimestampType,
    TimestamptzType,
    TimeType,
    UUIDType,
)

UTC = dt.timezone.utc
MAX_SAFE_INTEGER = 2**53 - 1

# ---- PyIceberg's transforms without pyiceberg-core -------------------------------------------------

TRANSFORMS_FROM_PYTHON = False


def use_python_transforms_when_core_is_missing() -> None:
    """PyIceberg partitions Arrow data through pyiceberg-core (Rust) for bucket, truncate and the
    temporal transforms. Without that package, partition the data with PyIceberg's own pure-Python
    transform functions (the ones its scan planning uses), value by value."""
    global TRANSFORMS_FROM_PYTHON
    try:
        import pyiceberg_core  # noqa: F401

        return
    except ImportError:
        TRANSFORMS_FROM_PYTHON = True

    def python_values(array: pa.Array, source: Any) -> list[Any]:
        if isinstance(source, (TimestampType, TimestamptzType)):
            return array.cast(pa.int64()).to_pylist()
        if isinstance(source, DateType):
            return array.cast(pa.int32()).to_pylist()
        return array.to_pylist()

    def make(result: Callable[[pa.Array], pa.DataType]) -> Callable[..., Callable[[Any], Any]]:
        def pyarrow_transform(self: Transform, source: Any) -> Callable[[Any], Any]:
            apply = self.transform(source)

            def run(array: Any) -> Any:
                if isinstance(array, pa.ChunkedArray):
                    array = array.combine_chunks()
                return pa.array([apply(v) for v in python_values(array, source)], type=result(array))

            return run

        return pyarrow_transform

    int32 = make(lambda _array: pa.int32())
    for cls in (BucketTransform, YearTransform, MonthTransform, DayTransform, HourTransform):
        cls.pyarrow_transform = int32  # type: ignore[method-assign]
    TruncateTransform.pyarrow_transform = make(lambda array: array.type)  # type: ignore[method-assign]


# ---- values in floe's plain forms ---------------------------------------------------------------------


def plain(value: Any, typ: pa.DataType) -> Any:
    if value is None:
        return None
    if isinstance(typ, pa.ExtensionType):
        if typ.extension_name == "arrow.uuid":
            return str(value if isinstance(value, uuid.UUID) else uuid.UUID(bytes=bytes(value)))
        typ = typ.storage_type
    if pa.types.is_map(typ):
        return {str(plain(k, typ.key_type)): plain(v, typ.item_type) for k, v in value}
    if pa.types.is_list(typ) or pa.types.is_large_list(typ) or pa.types.is_fixed_size_list(typ):
        return [plain(v, typ.value_type) for v in value]
    if pa.types.is_struct(typ):
        return {typ.field(i).name: plain(value[typ.field(i).name], typ.field(i).type) for i in range(typ.num_fields)}
    if pa.types.is_timestamp(typ):
        if typ.tz is not None:
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ") + "+00"
        return value.isoformat(sep=" ")
    if pa.types.is_date(typ) or pa.types.is_time(typ):
        return value.isoformat()
    if pa.types.is_decimal(typ):
        return format(value.quantize(Decimal(1).scaleb(-typ.scale)), "f")
    if pa.types.is_binary(typ) or pa.types.is_large_binary(typ) or pa.types.is_fixed_size_binary(typ):
        return bytes(value).hex()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) <= MAX_SAFE_INTEGER else str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"non-finite float {value} has no JSON form")
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def plain_rows(table: pa.Table) -> list[list[Any]]:
    types = [field.type for field in table.schema]
    return [[plain(v, t) for v, t in zip(row.values(), types)] for row in table.to_pylist()]


# ---- the recorder ---------------------------------------------------------------------------------


class Recorded:
    """One table: what was done to it and what PyIceberg reads back."""

    def __init__(self, table: Table, features: list[str]) -> None:
        self.table = table
        self.features = features
        self.labels: dict[int, str] = {}
        self.metadata_after: dict[int, str] = {}
        self.filters: list[dict[str, Any]] = []

    def step(self, label: str, action: Callable[[], Any]) -> None:
        """Runs one write; labels the snapshots it made and remembers the metadata file it left."""
        before = {s.snapshot_id for s in self.table.metadata.snapshots}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            action()
        made = [s for s in self.table.metadata.snapshots if s.snapshot_id not in before]
        for i, snapshot in enumerate(made):
            self.labels[snapshot.snapshot_id] = label if len(made) == 1 else f"{label} ({i + 1}/{len(made)})"
        current = self.table.metadata.current_snapshot()
        if current is not None and current.snapshot_id in {s.snapshot_id for s in made}:
            self.metadata_after[current.snapshot_id] = self.table.metadata_location

    def filter(self, sql: str, expression: BooleanExpression, floe: dict[str, Any]) -> None:
        """A filtered read of the current snapshot: SQL for floe, the same filter for PyIceberg and for floe's planScan."""
        self.filters.append({"sql": sql, "expression": expression, "floe": floe})

    def report(self, name: str) -> dict[str, Any]:
        table = self.table
        metadata = table.metadata
        snapshots = []
        for snapshot in metadata.snapshots:
            result = table.scan(snapshot_id=snapshot.snapshot_id).to_arrow()
            snapshots.append(
                {
                    "snapshot_id": str(snapshot.snapshot_id),
                    "label": self.labels.get(snapshot.snapshot_id, snapshot.summary.operation.value if snapshot.summary else "?"),
                    "operation": snapshot.summary.operation.value if snapshot.summary else None,
                    "schema_id": snapshot.schema_id,
                    "metadata_after": self.metadata_after.get(snapshot.snapshot_id),
                    "columns": result.column_names,
                    "rows": plain_rows(result),
                }
            )
        refs = []
        for ref_name, ref in metadata.refs.items():
            if ref.snapshot_ref_type.value == "tag":
                # A tag reads with its snapshot's schema (PyIceberg's use_ref; Java's SnapshotUtil.schemaFor).
                result = table.scan().use_ref(ref_name).to_arrow()
            else:
                # A branch reads with the table's schema, as Java reads it (PyIceberg's use_ref would take the
                # snapshot's): the branch head's files, projected by PyIceberg onto the current schema.
                tasks = table.scan(snapshot_id=ref.snapshot_id).plan_files()
                result = ArrowScan(metadata, table.io, metadata.schema(), AlwaysTrue()).to_table(tasks)
            refs.append(
                {
                    "name": ref_name,
                    "type": ref.snapshot_ref_type.value,
                    "snapshot_id": str(ref.snapshot_id),
                    "columns": result.column_names,
                    "rows": plain_rows(result),
                }
            )
        live_files = sorted(task.file.file_path for task in table.scan().plan_files())
        filters = []
        for f in self.filters:
            scan = table.scan(row_filter=f["expression"])
            result = scan.to_arrow()
            filters.append(
                {
                    "sql": f["sql"],
                    "floe": f["floe"],
                    "pyiceberg_expression": str(f["expression"]),
                    "columns": result.column_names,
                    "rows": plain_rows(result),
                    "planned_files": sorted(task.file.file_path for task in scan.plan_files()),
                }
            )
        return {
            "name": name,
            "features": self.features,
            "format_version": metadata.format_version,
            "metadata_location": table.metadata_location,
            "current_snapshot_id": str(metadata.current_snapshot_id) if metadata.current_snapshot_id is not None else None,
            "live_data_files": live_files,
            "snapshots": snapshots,
            "refs": refs,
            "filters": filters,
        }


def arrow_rows(schema: Schema, rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema_to_pyarrow(schema, include_field_ids=False))


# ---- data ---------------------------------------------------------------------------------------

WIDE = Schema(
    NestedField(1, "id", LongType(), required=True),
    NestedField(2, "i", IntegerType()),
    NestedField(3, "l", LongType()),
    NestedField(4, "s", StringType()),
    NestedField(5, "d", DateType()),
    NestedField(6, "ts", TimestampType()),
    NestedField(7, "tstz", TimestamptzType()),
    NestedField(8, "b", BooleanType()),
    NestedField(9, "dec", DecimalType(10, 2)),
    NestedField(10, "f", FloatType()),
    NestedField(11, "dbl", DoubleType()),
    NestedField(12, "bin", BinaryType()),
)
STRINGS = ["a", "b", "ab", "über-ñ", "abcdef", "", "zz top", "日本語テキスト"]
LONGS = [-5_000_000, 9_007_199_254_740_993, -(2**62) - 7, 0, 2**31 + 5, -1]


def wide_rows(start: int, count: int) -> list[dict[str, Any]]:
    """Rows around the epoch (negative transform results), with nulls in every column and longs beyond 2^53."""
    rows = []
    for k in range(start, start + count):
        ts = dt.datetime(1968, 6, 1, 20, 30, 0) + dt.timedelta(hours=k * 1597, minutes=k * 7)
        if k % 2:
            ts += dt.timedelta(microseconds=(k * 123457) % 1_000_000)
        tstz = ts.replace(tzinfo=UTC) + dt.timedelta(minutes=k)
        if k == 4:
            ts = dt.datetime(1969, 12, 31, 23, 59, 59, 999999)
            tstz = ts.replace(tzinfo=UTC)
        if k == 10:
            ts = dt.datetime(1970, 1, 1)
            tstz = dt.datetime(1970, 1, 1, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
        rows.append(
            {
                "id": k,
                "i": None if k % 7 == 3 else (k * 37) % 101 - 50,
                "l": None if k % 7 == 4 else LONGS[k % len(LONGS)] + k,
                "s": None if k % 7 == 5 else STRINGS[k % len(STRINGS)],
                "d": None if k % 7 == 6 else dt.date(1969, 6, 25) + dt.timedelta(days=k * 23),
                "ts": None if k % 9 == 0 else ts,
                "tstz": None if k % 9 == 1 else tstz,
                "b": None if k % 5 == 0 else k % 2 == 0,
                "dec": None if k % 6 == 2 else (Decimal((k * 7919) % 200001 - 100000) / 100).quantize(Decimal("0.01")),
                "f": None if k % 8 == 7 else k * 0.5 - 3.25,
                "dbl": None if k % 8 == 6 else k * 1.1 - 7.0,
                "bin": None if k % 6 == 5 else bytes([k % 256, (k * 3) % 256, 0xFF]),
            }
        )
    return rows


def partition_table(
    catalog: SqlCatalog, name: str, fields: list[tuple[Transform, str]], optional: bool = False, column_metrics: bool = True
) -> tuple[str, Callable[[], Recorded], bool]:
    """A table of WIDE rows partitioned by `fields` ((transform, source column)), with filters on every source column.
    Without column metrics, only partition values (the transforms' projections of a filter) can prune files."""

    def build() -> Recorded:
        spec = PartitionSpec(
            *(
                PartitionField(source_id=WIDE.find_field(source).field_id, field_id=1000 + n, transform=transform, name=f"{source}_{str(transform).split('[')[0]}")
                for n, (transform, source) in enumerate(fields)
            )
        )
        properties = {} if column_metrics else {"write.metadata.metrics.default": "none"}
        table = catalog.create_table(f"interop.{name}", schema=WIDE, partition_spec=spec, properties=properties)
        features = [f"partition {transform}({source})" for transform, source in fields]
        recorded = Recorded(table, features if column_metrics else [*features, "no column metrics"])
        recorded.step("append 0-7", lambda: table.append(arrow_rows(WIDE, wide_rows(0, 8))))
        recorded.step("append 8-15", lambda: table.append(arrow_rows(WIDE, wide_rows(8, 8))))
        recorded.step("delete id in (2, 9, 13) (copy-on-write)", lambda: table.delete(In("id", {2, 9, 13})))
        for column in dict.fromkeys(source for _, source in fields):
            add_filters(recorded, column, FILTERS[column])
        return recorded

    return (name, build, optional)


def pyiceberg_literal(column: str, value: Any) -> Any:
    if column == "dec":
        return Decimal(value)
    if column == "bin":
        return bytes.fromhex(value)
    return value


Filter = tuple[str, str, Any]


def add_filters(recorded: Recorded, column: str, filters: list[Filter]) -> None:
    """(op, floe SQL literal, value for both readers) per filter on `column`."""
    ops: dict[str, Callable[..., BooleanExpression]] = {
        "eq": EqualTo,
        "notEq": NotEqualTo,
        "lt": LessThan,
        "ltEq": LessThanOrEqual,
        "gt": GreaterThan,
        "gtEq": GreaterThanOrEqual,
    }
    sql_ops = {"eq": "=", "notEq": "<>", "lt": "<", "ltEq": "<=", "gt": ">", "gtEq": ">="}
    for op, sql_literal, value in filters:
        if op == "isNull":
            recorded.filter(f"SELECT * FROM t WHERE {column} IS NULL", IsNull(column), {"op": op, "column": column})
        elif op == "notNull":
            recorded.filter(f"SELECT * FROM t WHERE {column} IS NOT NULL", NotNull(column), {"op": op, "column": column})
        elif op == "in":
            expression = In(column, {pyiceberg_literal(column, v) for v in value})
            recorded.filter(f"SELECT * FROM t WHERE {column} IN ({sql_literal})", expression, {"op": op, "column": column, "values": value})
        elif op == "startsWith":
            recorded.filter(
                f"SELECT * FROM t WHERE starts_with({column}, {sql_literal})",
                StartsWith(column, value),
                {"op": op, "column": column, "value": value},
            )
        else:
            recorded.filter(
                f"SELECT * FROM t WHERE {column} {sql_ops[op]} {sql_literal}",
                ops[op](column, pyiceberg_literal(column, value)),
                {"op": op, "column": column, "value": value},
            )


FILTERS: dict[str, list[Filter]] = {
    "i": [("eq", "-10", -10), ("lt", "-20", -20), ("in", "-13, 7, 99", [-13, 7, 99]), ("isNull", "", None)],
    "l": [("eq", "9007199254740994", "9007199254740994"), ("gt", "1000000", 1000000), ("notNull", "", None)],
    "s": [("eq", "'ab'", "ab"), ("gtEq", "'zz'", "zz"), ("in", "'a', 'über-ñ'", ["a", "über-ñ"]), ("startsWith", "'ab'", "ab")],
    "d": [("eq", "DATE '1969-07-18'", "1969-07-18"), ("lt", "DATE '1970-01-01'", "1970-01-01"), ("gtEq", "DATE '1970-03-01'", "1970-03-01")],
    "ts": [
        ("gtEq", "TIMESTAMP '1970-02-10 00:00:00'", "1970-02-10T00:00:00"),
        ("lt", "TIMESTAMP '1970-01-01 00:00:00'", "1970-01-01T00:00:00"),
        ("eq", "TIMESTAMP '1970-01-01 00:00:00'", "1970-01-01T00:00:00"),
        ("isNull", "", None),
    ],
    "tstz": [
        ("gtEq", "TIMESTAMPTZ '1970-02-10 00:00:00+00'", "1970-02-10T00:00:00+00:00"),
        ("lt", "TIMESTAMPTZ '1970-01-01 00:00:00+00'", "1970-01-01T00:00:00+00:00"),
        ("eq", "TIMESTAMPTZ '1969-12-31 23:59:59.999999+00'", "1969-12-31T23:59:59.999999+00:00"),
    ],
    "b": [("eq", "true", True), ("isNull", "", None)],
    "dec": [("eq", "-920.81", "-920.81"), ("gt", "0", "0.00")],
    "dbl": [("gt", "4.0", 4.0)],
    "bin": [("eq", "X'0103FF'", "0103ff")],
}


def partition_tables(catalog: SqlCatalog) -> list[tuple[str, Callable[[], Recorded], bool]]:
    """Every partition transform PyIceberg writes, several to a table."""
    identity = IdentityTransform()
    return [
        partition_table(catalog, "identity", [(identity, c) for c in ("i", "l", "s", "d", "b", "dec", "ts", "tstz")]),
        partition_table(catalog, "identity_double_binary", [(identity, "dbl"), (identity, "bin")], optional=True),
        partition_table(catalog, "bucket", [(BucketTransform(4), "i"), (BucketTransform(4), "l"), (BucketTransform(3), "s")], column_metrics=False),
        partition_table(catalog, "truncate", [(TruncateTransform(10), "i"), (TruncateTransform(2), "s")], column_metrics=False),
        partition_table(catalog, "year_ts_month_tstz_day_date", [(YearTransform(), "ts"), (MonthTransform(), "tstz"), (DayTransform(), "d")], column_metrics=False),
        partition_table(catalog, "month_ts_day_tstz", [(MonthTransform(), "ts"), (DayTransform(), "tstz")], column_metrics=False),
        partition_table(catalog, "day_ts_hour_tstz", [(DayTransform(), "ts"), (HourTransform(), "tstz")], column_metrics=False),
        partition_table(catalog, "hour_ts_year_tstz", [(HourTransform(), "ts"), (YearTransform(), "tstz")], column_metrics=False),
        partition_table(catalog, "void", [(VoidTransform(), "s"), (identity, "b")], optional=True),
    ]


# ---- schema evolution -----------------------------------------------------------------------------


def evolution_table(catalog: SqlCatalog) -> Recorded:
    schema = Schema(
        NestedField(1, "id", LongType(), required=True),
        NestedField(2, "qty", IntegerType()),
        NestedField(3, "price", FloatType()),
        NestedField(4, "name", StringType()),
        NestedField(5, "note", StringType()),
        NestedField(6, "info", StructType(NestedField(7, "x", IntegerType()), NestedField(8, "y", StringType()))),
    )
    table = catalog.create_table("interop.evolution", schema=schema)
    recorded = Recorded(table, ["add column", "rename column", "drop column", "int->long", "float->double", "add nested field", "tag on an old schema"])

    def rows(start: int, count: int, extra: Callable[[int], dict[str, Any]] = lambda k: {}) -> list[dict[str, Any]]:
        return [
            {
                "id": k,
                "qty": None if k % 4 == 3 else k * 10 - 25,
                "price": None if k % 5 == 4 else k * 0.25 + 0.5,
                "name": f"name-{k}",
                "note": None if k % 3 == 0 else f"note {k}",
                "info": None if k % 6 == 5 else {"x": k, "y": f"y{k}"},
                **extra(k),
            }
            for k in range(start, start + count)
        ]

    def append(start: int, count: int, extra: Callable[[int], dict[str, Any]] = lambda k: {}) -> None:
        current = table.schema()
        data = []
        for row in rows(start, count, extra):
            data.append({field.name: row.get(field.name) for field in current.fields})
        table.append(arrow_rows(current, data))

    recorded.step("append v1", lambda: append(0, 6))
    with table.update_schema() as update:
        update.add_column("added", StringType())
    recorded.step("append after add column", lambda: append(6, 4, lambda k: {"added": f"added-{k}"}))
    with table.update_schema() as update:
        update.rename_column("name", "label")
    recorded.step("append after rename name->label", lambda: append(10, 4, lambda k: {"label": f"label-{k}", "added": None if k % 2 else f"a{k}"}))
    with table.update_schema() as update:
        update.delete_column("note")
    recorded.step("append after drop note", lambda: append(14, 3, lambda k: {"label": f"label-{k}", "added": f"a{k}"}))
    with table.update_schema() as update:
        update.update_column("qty", LongType())
        update.update_column("price", DoubleType())
        update.add_column(("info", "z"), DoubleType())
    recorded.step(
        "append after qty int->long, price float->double, info.z",
        lambda: append(
            17,
            3,
            lambda k: {"label": f"label-{k}", "qty": 2**40 + k, "price": 1e300 / k, "info": {"x": k, "y": None, "z": k / 3}},
        ),
    )
    with table.update_schema() as update:
        update.add_column("late", IntegerType())
        update.rename_column("added", "added_renamed")
    # Old snapshots keep their own schema; refs on them are read as PyIceberg reads them.
    second = sorted(table.metadata.snapshots, key=lambda s: s.sequence_number)[1]
    table.manage_snapshots().create_tag(second.snapshot_id, "before-rename").commit()
    recorded.filter("SELECT * FROM t WHERE qty > 100", GreaterThan("qty", 100), {"op": "gt", "column": "qty", "value": 100})
    recorded.filter("SELECT * FROM t WHERE label = 'label-15'", EqualTo("label", "label-15"), {"op": "eq", "column": "label", "value": "label-15"})
    return recorded


# ---- overwrites, deletes, refs ---------------------------------------------------------------------


ORDERS = Schema(
    NestedField(1, "id", LongType(), required=True),
    NestedField(2, "category", StringType()),
    NestedField(3, "amount", DecimalType(12, 3)),
    NestedField(4, "ordered_at", TimestamptzType()),
)


def order_rows(start: int, count: int, categories: list[str]) -> list[dict[str, Any]]:
    t0 = dt.datetime(2024, 2, 28, 22, 0, tzinfo=UTC)
    return [
        {
            "id": k,
            "category": categories[k % len(categories)],
            "amount": (Decimal(k * 1013 % 9000) / 1000 - 3).quantize(Decimal("0.001")),
            "ordered_at": t0 + dt.timedelta(hours=k * 5, microseconds=k),
        }
        for k in range(start, start + count)
    ]


def overwrite_table(catalog: SqlCatalog, capabilities: dict[str, Any]) -> Recorded:
    spec = PartitionSpec(PartitionField(source_id=2, field_id=1000, transform=IdentityTransform(), name="category"))
    table = catalog.create_table("interop.orders", schema=ORDERS, partition_spec=spec)
    recorded = Recorded(table, ["overwrite", "overwrite with filter", "dynamic partition overwrite", "delete whole files", "delete rewriting files", "tag", "branch"])
    append = lambda rows: table.append(arrow_rows(ORDERS, rows))  # noqa: E731
    recorded.step("append a,b,c", lambda: append(order_rows(0, 12, ["a", "b", "c"])))
    recorded.step("append a,b", lambda: append(order_rows(12, 6, ["a", "b"])))
    recorded.step("delete category = 'c' (whole files)", lambda: table.delete(EqualTo("category", "c")))
    recorded.step("delete id < 5 (rewrites files)", lambda: table.delete(LessThan("id", 5)))
    cow = table.metadata.current_snapshot_id
    recorded.step("overwrite with filter category = 'b'", lambda: table.overwrite(arrow_rows(ORDERS, order_rows(100, 3, ["b"])), overwrite_filter=EqualTo("category", "b")))
    recorded.step("overwrite all", lambda: table.overwrite(arrow_rows(ORDERS, order_rows(200, 8, ["a", "d"]))))
    before_branch = table.metadata.current_snapshot_id
    recorded.step("append d,e", lambda: append(order_rows(300, 4, ["d", "e"])))
    recorded.step("dynamic partition overwrite of d", lambda: table.dynamic_partition_overwrite(arrow_rows(ORDERS, order_rows(400, 2, ["d"]))))
    recorded.step("delete amount > 2 (mixed)", lambda: table.delete(GreaterThan("amount", Decimal("2.000"))))
    table.manage_snapshots().create_tag(cow, "after-cow").create_branch(before_branch, "audit").commit()
    try:
        recorded.step("append to branch audit", lambda: table.append(arrow_rows(ORDERS, order_rows(500, 3, ["x"])), branch="audit"))
        recorded.step("delete on branch audit", lambda: table.delete(EqualTo("category", "a"), branch="audit"))
        capabilities["branch_writes"] = True
    except Exception as error:  # noqa: BLE001
        capabilities["branch_writes"] = f"{type(error).__name__}: {error}"
    recorded.step("append after branching", lambda: append(order_rows(600, 3, ["a", "f"])))
    recorded.filter("SELECT * FROM t WHERE category = 'a'", EqualTo("category", "a"), {"op": "eq", "column": "category", "value": "a"})
    recorded.filter(
        "SELECT * FROM t WHERE ordered_at >= TIMESTAMPTZ '2024-03-05 00:00:00+00'",
        GreaterThanOrEqual("ordered_at", "2024-03-05T00:00:00+00:00"),
        {"op": "gtEq", "column": "ordered_at", "value": "2024-03-05T00:00:00+00:00"},
    )
    return recorded


# ---- merge-on-read: a position delete file committed through PyIceberg's snapshot producer -------------


def commit_position_deletes(table: Table, select: Callable[[dict[str, Any]], bool], name: str) -> None:
    """Deletes the rows `select` picks with position delete files: written with PyArrow, committed in a
    delete manifest by PyIceberg's own manifest and snapshot writers. PyIceberg 0.12 writes deletes
    copy-on-write only (`write.delete.mode=merge-on-read` falls back with a warning), but its scan
    applies position deletes, so it still reads back what this commits."""
    from pyiceberg.manifest import DataFile, DataFileContent, FileFormat, ManifestContent, ManifestWriterV2
    from pyiceberg.table.snapshots import Operation
    from pyiceberg.table.update.snapshot import _FastAppendFiles
    from pyiceberg.typedef import Record

    class DeleteManifestWriter(ManifestWriterV2):
        def content(self) -> ManifestContent:
            return ManifestContent.DELETES

        @property
        def _meta(self) -> dict[str, str]:
            return {**super()._meta, "content": "deletes"}

    class AppendDeleteFiles(_FastAppendFiles):
        def new_manifest_writer(self, spec: PartitionSpec) -> ManifestWriterV2:  # type: ignore[override]
            return DeleteManifestWriter(spec, self.schema(), self.new_manifest_output(), self._snapshot_id, self._compression)

    targets = []
    for task in table.scan().plan_files():
        with table.io.new_input(task.file.file_path).open() as stream:
            rows = pq.read_table(stream).to_pylist()
        positions = [pos for pos, row in enumerate(rows) if select(row)]
        if positions:
            targets.append((task.file, positions))
    schema = pa.schema(
        [
            pa.field("file_path", pa.string(), nullable=False, metadata={"PARQUET:field_id": "2147483546"}),
            pa.field("pos", pa.int64(), nullable=False, metadata={"PARQUET:field_id": "2147483545"}),
        ]
    )
    delete_files = []
    for index, (data_file, positions) in enumerate(targets):
        location = f"{table.location()}/data/{name}-{index}-deletes.parquet"
        content = pa.Table.from_pylist([{"file_path": data_file.file_path, "pos": p} for p in positions], schema=schema)
        with table.io.new_output(location).create(overwrite=True) as stream:
            pq.write_table(content, stream)
        delete_files.append(
            DataFile.from_args(
                content=DataFileContent.POSITION_DELETES,
                file_path=location,
                file_format=FileFormat.PARQUET,
                partition=Record(*data_file.partition),
                record_count=len(positions),
                file_size_in_bytes=len(table.io.new_input(location)),
                spec_id=data_file.spec_id,
            )
        )
    with table.transaction() as tx:
        producer = AppendDeleteFiles(operation=Operation.DELETE, transaction=tx, io=table.io)
        for delete_file in delete_files:
            producer.append_data_file(delete_file)
        producer.commit()


def position_delete_table(catalog: SqlCatalog) -> Recorded:
    spec = PartitionSpec(PartitionField(source_id=2, field_id=1000, transform=IdentityTransform(), name="category"))
    table = catalog.create_table(
        "interop.position_deletes", schema=ORDERS, partition_spec=spec, properties={"write.delete.mode": "merge-on-read"}
    )
    recorded = Recorded(table, ["merge-on-read position deletes (committed by hand)", "append after deletes", "two delete files on one data file"])
    recorded.step("append a,b", lambda: table.append(arrow_rows(ORDERS, order_rows(0, 10, ["a", "b"]))))
    recorded.step("position deletes id % 3 == 0", lambda: commit_position_deletes(table, lambda row: row["id"] % 3 == 0, "pd1"))
    recorded.step("append after position deletes", lambda: table.append(arrow_rows(ORDERS, order_rows(10, 4, ["a", "b"]))))
    recorded.step("position deletes id in (1, 11)", lambda: commit_position_deletes(table, lambda row: row["id"] in (1, 11), "pd2"))
    recorded.filter("SELECT * FROM t WHERE category = 'b'", EqualTo("category", "b"), {"op": "eq", "column": "category", "value": "b"})
    return recorded


# ---- types ---------------------------------------------------------------------------------------


def types_table(catalog: SqlCatalog) -> Recorded:
    schema = Schema(
        NestedField(1, "id", IntegerType(), required=True),
        NestedField(2, "t", TimeType()),
        NestedField(3, "fx", FixedType(4)),
        NestedField(4, "tags", ListType(5, StringType(), element_required=False)),
        NestedField(6, "attrs", MapType(7, StringType(), 8, LongType(), value_required=False)),
        NestedField(9, "point", StructType(NestedField(10, "x", DoubleType()), NestedField(11, "y", DoubleType()))),
        NestedField(12, "events", ListType(13, StructType(NestedField(14, "at", TimestampType()), NestedField(15, "what", StringType())), element_required=False)),
        NestedField(16, "big", DecimalType(38, 10)),
        NestedField(17, "small", DecimalType(3, 0)),
    )
    table = catalog.create_table("interop.types", schema=schema)
    recorded = Recorded(table, ["time", "fixed", "list", "map", "struct", "list of struct", "decimal(38,10)"])
    rows = [
        {
            "id": k,
            "t": None if k == 3 else dt.time(k % 24, (k * 7) % 60, (k * 13) % 60, (k * 1234) % 1_000_000 if k % 2 else 0),
            "fx": None if k == 4 else bytes([k, 0, 255, k * 2 % 256]),
            "tags": None if k == 2 else [f"t{j}" if j != 1 else None for j in range(k % 4)],
            "attrs": None if k == 1 else [(f"k{j}", None if j == 2 else k * 2**40 + j) for j in range(k % 3 + 1)],
            "point": None if k == 5 else {"x": k * 1.5, "y": None if k % 2 else -k / 4},
            "events": [{"at": dt.datetime(2024, 1, 1) + dt.timedelta(seconds=k * 3601 + j), "what": f"e{j}"} for j in range(k % 3)],
            "big": None if k == 6 else Decimal(f"{'-' if k % 2 else ''}{k * 12345678901234567}.{k:010d}"),
            "small": None if k == 7 else Decimal(k * 37 % 999 - 499),
        }
        for k in range(0, 9)
    ]
    recorded.step("append", lambda: table.append(pa.Table.from_pylist(rows, schema=schema_to_pyarrow(schema, include_field_ids=False))))
    recorded.step("delete id = 0", lambda: table.delete(EqualTo("id", 0)))
    return recorded


def uuid_table(catalog: SqlCatalog) -> Recorded:
    schema = Schema(NestedField(1, "id", IntegerType(), required=True), NestedField(2, "u", UUIDType()))
    table = catalog.create_table("interop.uuids", schema=schema)
    recorded = Recorded(table, ["uuid"])
    rows = [{"id": k, "u": None if k == 2 else uuid.UUID(int=(k * 0x9E3779B97F4A7C15_0123456789ABCDEF) % 2**128)} for k in range(5)]
    recorded.step("append", lambda: table.append(pa.Table.from_pylist(rows, schema=schema_to_pyarrow(schema, include_field_ids=False))))
    return recorded


# ---- the S3 suite ---------------------------------------------------------------------------------


def s3_table(catalog: SqlCatalog, capabilities: dict[str, Any]) -> Recorded:
    spec = PartitionSpec(
        PartitionField(source_id=4, field_id=1000, transform=DayTransform(), name="ordered_at_day"),
        PartitionField(source_id=2, field_id=1001, transform=BucketTransform(3), name="category_bucket"),
    )
    table = catalog.create_table("interop.s3_orders", schema=ORDERS, partition_spec=spec)
    recorded = Recorded(table, ["on S3", "day(ordered_at) + bucket[3](category)", "copy-on-write deletes", "position deletes", "tag"])
    recorded.step("append", lambda: table.append(arrow_rows(ORDERS, order_rows(0, 16, ["a", "b", "c", "d"]))))
    recorded.step("append more", lambda: table.append(arrow_rows(ORDERS, order_rows(16, 8, ["c", "e"]))))
    recorded.step("delete id < 6", lambda: table.delete(LessThan("id", 6)))
    recorded.step("delete category = 'e'", lambda: table.delete(EqualTo("category", "e")))
    try:
        recorded.step("position deletes id % 4 == 1", lambda: commit_position_deletes(table, lambda row: row["id"] % 4 == 1, "pd"))
        capabilities["position_deletes_committed"] = True
    except Exception as error:  # noqa: BLE001
        capabilities["position_deletes_committed"] = f"{type(error).__name__}: {error}"
    first = min(table.metadata.snapshots, key=lambda s: s.sequence_number)
    table.manage_snapshots().create_tag(first.snapshot_id, "first").commit()
    recorded.filter(
        "SELECT * FROM t WHERE ordered_at < TIMESTAMPTZ '2024-03-02 00:00:00+00'",
        LessThan("ordered_at", "2024-03-02T00:00:00+00:00"),
        {"op": "lt", "column": "ordered_at", "value": "2024-03-02T00:00:00+00:00"},
    )
    return recorded


# ---- main -----------------------------------------------------------------------------------------


def main(config: dict[str, Any]) -> None:
    use_python_transforms_when_core_is_missing()
    catalog = SqlCatalog("floe_interop", uri=f"sqlite:///{config['catalog_db']}", warehouse=config["warehouse"], **config.get("properties", {}))
    catalog.create_namespace("interop")
    capabilities: dict[str, Any] = {
        "pyiceberg": pyiceberg.__version__,
        "pyarrow": pa.__version__,
        "transforms_from_python": TRANSFORMS_FROM_PYTHON,
        "merge_on_read_writes": False,
    }
    builds: list[tuple[str, Callable[[], Recorded], bool]]
    if config["suite"] == "s3":
        builds = [("s3_orders", lambda: s3_table(catalog, capabilities), False)]
    else:
        builds = [
            *partition_tables(catalog),
            ("evolution", lambda: evolution_table(catalog), False),
            ("orders", lambda: overwrite_table(catalog, capabilities), False),
            ("position_deletes", lambda: position_delete_table(catalog), True),
            ("types", lambda: types_table(catalog), False),
            ("uuids", lambda: uuid_table(catalog), True),
        ]
    tables = []
    skipped = []
    timings: list[dict[str, Any]] = []
    for name, build, optional in builds:
        try:
            began = time.monotonic()
            recorded = build()
            written = time.monotonic()
            tables.append(recorded.report(name))
            timings.append({"table": name, "write_s": round(written - began, 2), "read_s": round(time.monotonic() - written, 2)})
        except Exception as error:  # noqa: BLE001
            if not optional:
                raise
            skipped.append({"table": name, "reason": f"{type(error).__name__}: {error}", "trace": traceback.format_exc(limit=3)})
    report = {"capabilities": capabilities, "tables": tables, "skipped": skipped, "timings": timings}
    Path(config["out"]).write_text(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
