"""Writes an Iceberg table with PyIceberg's SQL catalog (SQLite) and prints what a scan reads back, as JSON.

Usage: python pyiceberg_roundtrip.py WAREHOUSE_DIR
"""

import json
import sys
from pathlib import Path

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import GreaterThanOrEqual


def main(warehouse: Path) -> None:
    catalog = SqlCatalog(
        "floe_stack",
        uri=f"sqlite:///{warehouse / 'catalog.db'}",
        warehouse=warehouse.as_uri(),
    )
    catalog.create_namespace("smoke")
    schema = pa.schema(
        [
            pa.field("id", pa.int64(), nullable=False),
            pa.field("name", pa.string()),
            pa.field("amount", pa.float64()),
        ]
    )
    table = catalog.create_table("smoke.events", schema=schema)
    table.append(pa.Table.from_pylist([{"id": 1, "name": "one", "amount": 1.5}, {"id": 2, "name": "two", "amount": None}], schema=schema))
    table.append(pa.Table.from_pylist([{"id": 9007199254740993, "name": "big", "amount": -2.25}], schema=schema))

    table = catalog.load_table("smoke.events")
    rows = table.scan().to_arrow().sort_by("id").to_pylist()
    filtered = table.scan(row_filter=GreaterThanOrEqual("id", 2), selected_fields=("id",)).to_arrow().sort_by("id").to_pylist()
    print(
        json.dumps(
            {
                # 64-bit values travel as strings so no JSON reader rounds them.
                "rows": [{**row, "id": str(row["id"])} for row in rows],
                "filtered_ids": [str(row["id"]) for row in filtered],
                "snapshots": len(table.metadata.snapshots),
                "format_version": table.metadata.format_version,
                "metadata_location": table.metadata_location,
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
