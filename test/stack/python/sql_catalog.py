"""Opens floe's SQL catalog with PyIceberg's SqlCatalog and reports what PyIceberg sees, as JSON.

Usage: python sql_catalog.py CONFIG_JSON

CONFIG_JSON: {
  "uri": SQLAlchemy URI of the catalog database, "name": catalog name, "warehouse": warehouse,
  "floe_table": [namespace, table] floe created and appended to,
  "append_to_floe": rows PyIceberg appends to floe's table,
  "py_table": [namespace, table] PyIceberg creates, "py_batches": [[rows], ...] it appends
}
Rows are {"id": str, "name": str | null, "amount": float | null}; 64-bit ids travel as strings.
"""

import json
import sys

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog

SCHEMA = pa.schema(
    [
        pa.field("id", pa.int64(), nullable=False),
        pa.field("name", pa.string()),
        pa.field("amount", pa.float64()),
    ]
)


def arrow_rows(rows):
    return pa.Table.from_pylist([{**row, "id": int(row["id"])} for row in rows], schema=SCHEMA)


def scanned_rows(table):
    rows = table.scan().to_arrow().sort_by("id").to_pylist()
    return [{"id": str(row["id"]), "name": row["name"], "amount": row["amount"]} for row in rows]


def main(config):
    catalog = SqlCatalog(config["name"], uri=config["uri"], warehouse=config["warehouse"])
    floe_ns, floe_name = config["floe_table"]
    report = {
        "schema_version": catalog._schema_version,
        "namespaces": [list(ns) for ns in catalog.list_namespaces()],
        "namespace_properties": catalog.load_namespace_properties(floe_ns),
        "tables": [list(t) for t in catalog.list_tables(floe_ns)],
    }

    floe_table = catalog.load_table((floe_ns, floe_name))
    report["floe_metadata_location"] = floe_table.metadata_location
    report["floe_rows"] = scanned_rows(floe_table)
    report["floe_snapshots"] = len(floe_table.metadata.snapshots)
    report["floe_field_ids"] = [field.field_id for field in floe_table.schema().fields]

    floe_table.append(arrow_rows(config["append_to_floe"]))
    report["appended_metadata_location"] = catalog.load_table((floe_ns, floe_name)).metadata_location

    py_ns, py_name = config["py_table"]
    catalog.create_namespace(py_ns, {"owner": "pyiceberg"})
    py_table = catalog.create_table((py_ns, py_name), schema=SCHEMA)
    for batch in config["py_batches"]:
        py_table.append(arrow_rows(batch))
    py_table = catalog.load_table((py_ns, py_name))
    report["py_metadata_location"] = py_table.metadata_location
    report["py_rows"] = scanned_rows(py_table)
    report["py_snapshots"] = len(py_table.metadata.snapshots)
    catalog.close()
    print(json.dumps(report))


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
