"""PyIceberg's side of tables PyIceberg starts and floe continues, in one SQL catalog.

Usage: python write_for_floe.py CONFIG_JSON

CONFIG_JSON is a JSON object:
  uri, name, warehouse, properties   the catalog, as read_floe_tables.py takes it
  namespace    the namespace of the tables
  step         "create": creates NAMESPACE.events (partitioned by identity(category) and identity(day), as
               PyIceberg's dynamic partition overwrite needs) and
               NAMESPACE.plain (unpartitioned), and appends to and overwrites both;
               "append": reads both tables as they are, then appends once more to each, with rows
               shaped by the table's current schema (a column PyIceberg does not know gets
               "<column>-<id>" when it is a string, else null)
  out          where the report (JSON) is written

The report is {"tables": [...]} with read_floe_tables.py's read of every table after the step;
the "append" step adds {"before": [...]}, the same read before it appended.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
from pyiceberg.expressions import EqualTo, GreaterThanOrEqual
from pyiceberg.io.pyarrow import schema_to_pyarrow
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.table import Table
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import BinaryType, BooleanType, DateType, DecimalType, LongType, NestedField, StringType, TimestamptzType

sys.path.insert(0, str(Path(__file__).resolve().parent))
from read_floe_tables import open_catalog, read_tables  # noqa: E402

UTC = dt.timezone.utc

SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=True),
    NestedField(2, "category", StringType()),
    NestedField(3, "amount", DecimalType(12, 3)),
    NestedField(4, "ts", TimestamptzType()),
    NestedField(5, "big", LongType()),
    NestedField(6, "flag", BooleanType()),
    NestedField(7, "payload", BinaryType()),
    NestedField(8, "day", DateType()),
)
SPEC = PartitionSpec(
    PartitionField(source_id=2, field_id=1000, transform=IdentityTransform(), name="category"),
    PartitionField(source_id=8, field_id=1001, transform=IdentityTransform(), name="day"),
)


def rows(start: int, count: int, categories: list[str]) -> list[dict[str, Any]]:
    """Rows with nulls, timestamps and dates on both sides of 1970, and longs beyond 2^53."""
    t0 = dt.datetime(1969, 12, 30, 21, 0, tzinfo=UTC)
    return [
        {
            "id": k,
            "category": None if k % 7 == 6 else categories[k % len(categories)],
            "amount": None if k % 5 == 4 else (Decimal(k * 1013 % 9000) / 1000 - 3).quantize(Decimal("0.001")),
            "ts": None if k % 6 == 5 else t0 + dt.timedelta(hours=k * 7, microseconds=k * 11),
            "big": None if k % 4 == 3 else (2**53 + k) * (-1 if k % 2 else 1),
            "flag": None if k % 3 == 2 else k % 2 == 0,
            "payload": None if k % 5 == 1 else bytes([k % 256, 0, 0xFF]),
            "day": dt.date(1969, 12, 25) + dt.timedelta(days=k % 4 * 3),
        }
        for k in range(start, start + count)
    ]


def arrow(table_schema: Schema, data: list[dict[str, Any]]) -> pa.Table:
    def fill(row: dict[str, Any], field: NestedField) -> Any:
        if field.name in row:
            return row[field.name]
        return f"{field.name}-{row['id']}" if isinstance(field.field_type, StringType) else None

    shaped = [{field.name: fill(row, field) for field in table_schema.fields} for row in data]
    return pa.Table.from_pylist(shaped, schema=schema_to_pyarrow(table_schema, include_field_ids=False))


def append(table: Table, data: list[dict[str, Any]]) -> None:
    table.append(arrow(table.schema(), data))


def create(catalog: Any, namespace: str) -> list[str]:
    catalog.create_namespace(namespace)
    events = catalog.create_table(f"{namespace}.events", schema=SCHEMA, partition_spec=SPEC)
    append(events, rows(0, 10, ["a", "b", "c"]))
    append(events, rows(10, 6, ["a", "b"]))
    events.overwrite(arrow(SCHEMA, rows(100, 3, ["b"])), overwrite_filter=EqualTo("category", "b"))
    events.dynamic_partition_overwrite(arrow(SCHEMA, rows(200, 2, ["c"])))

    plain = catalog.create_table(f"{namespace}.plain", schema=SCHEMA)
    append(plain, rows(0, 8, ["x", "y"]))
    append(plain, rows(8, 5, ["y", "z"]))
    plain.overwrite(arrow(SCHEMA, rows(300, 4, ["z"])), overwrite_filter=GreaterThanOrEqual("id", 6))
    append(plain, rows(400, 3, ["x"]))
    return [f"{namespace}.events", f"{namespace}.plain"]


def main(config: dict[str, Any]) -> None:
    catalog = open_catalog(config)
    namespace = config["namespace"]
    report: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if config["step"] == "create":
            names = create(catalog, namespace)
        else:
            names = [f"{namespace}.events", f"{namespace}.plain"]
            report["before"] = read_tables(catalog, names)
            append(catalog.load_table(names[0]), rows(500, 4, ["a", "d"]))
            append(catalog.load_table(names[1]), rows(600, 3, ["x", "w"]))
    report["tables"] = read_tables(catalog, names)
    catalog.close()
    Path(config["out"]).write_text(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
