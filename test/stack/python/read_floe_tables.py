"""Reads tables of a SQL catalog with PyIceberg: every snapshot by id, every ref, and the current state, as JSON.

Usage: python read_floe_tables.py CONFIG_JSON

CONFIG_JSON is a JSON object:
  uri          SQLAlchemy URI of the catalog database (sqlite:///...)
  name         the catalog name
  warehouse    the catalog warehouse: a local folder or s3://bucket/prefix
  properties   catalog properties (s3.endpoint, s3.access-key-id, ...), optional
  tables       ["namespace.table", ...]
  filters      {"namespace.table": [row filter in PyIceberg's expression syntax, ...]}, optional
  out          where the report (JSON) is written

The report is {"pyiceberg": version, "tables": [...]}, one entry per table with the metadata
location PyIceberg loaded, its format version, and reads, each of which is either
{"columns", "rows"} or {"error": "Type: message"} (a read that fails is recorded, not fatal):
  snapshots   every snapshot of the table's metadata, by id (`table.scan(snapshot_id=...)`, the
              snapshot's schema)
  refs        every branch and tag (a tag with its snapshot's schema, a branch with the table's)
  current     the current snapshot with the table's schema (`table.scan()`)
  filters     the current snapshot scanned with each row filter, with the number of data files
              PyIceberg planned for it (pruning by partition values and column metrics) and in all
  files       every data and delete file any snapshot reaches, checked against its manifest entry
              (see check_files): {"checked": {kind: count}, "problems": [...]}
Values are in floe's plain forms (see write_tables.py).
"""

from __future__ import annotations

import json
import math
import sys
import warnings
import zlib
from pathlib import Path
from typing import Any, Callable, Sequence

import pyarrow as pa
import pyarrow.parquet as pq
import pyiceberg
from pyiceberg.avro.file import AvroFile
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.conversions import from_bytes
from pyiceberg.expressions import AlwaysTrue
from pyiceberg.io.pyarrow import ArrowScan
from pyiceberg.manifest import (
    DATA_FILE_TYPE,
    MANIFEST_ENTRY_SCHEMAS,
    DataFile,
    DataFileContent,
    FileFormat,
    ManifestEntry,
    ManifestEntryStatus,
)
from pyiceberg.table import Table
from pyiceberg.table.deletion_vector import DeletionVector
from pyiceberg.table.puffin import PuffinFile
from pyiceberg.types import (
    BinaryType,
    DateType,
    DoubleType,
    FixedType,
    FloatType,
    IcebergType,
    IntegerType,
    LongType,
    PrimitiveType,
    StringType,
    TimestampType,
    TimestamptzType,
    TimeType,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from write_tables import plain_rows  # noqa: E402


def attempt(read: Callable[[], pa.Table]) -> dict[str, Any]:
    """One read as columns and plain rows, or the error it raised."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = read()
        return {"columns": result.column_names, "rows": plain_rows(result)}
    except Exception as error:  # noqa: BLE001
        return {"error": f"{type(error).__name__}: {error}"}


def attempt_check(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return check()
    except Exception as error:  # noqa: BLE001
        return {"checked": {}, "problems": [f"checking the files failed: {type(error).__name__}: {error}"]}


def read_ref(table: Table, name: str, ref: Any) -> pa.Table:
    if ref.snapshot_ref_type.value == "tag":
        return table.scan().use_ref(name).to_arrow()
    # A branch reads with the table's schema, as Java and floe read it.
    tasks = table.scan(snapshot_id=ref.snapshot_id).plan_files()
    return ArrowScan(table.metadata, table.io, table.metadata.schema(), AlwaysTrue()).to_table(tasks)


def read_filtered(table: Table, expression: str) -> dict[str, Any]:
    result = {"expression": expression, **attempt(lambda: table.scan(row_filter=expression).to_arrow())}
    try:
        result["planned_files"] = len(list(table.scan(row_filter=expression).plan_files()))
        result["all_files"] = len(list(table.scan().plan_files()))
    except Exception as error:  # noqa: BLE001
        result["planning_error"] = f"{type(error).__name__}: {error}"
    return result


# ---- what floe wrote into manifests, checked against the files ------------------------------------

DV_MAGIC = bytes([0xD1, 0xD3, 0x39, 0x64])


def manifest_entries(table: Table, manifest_path: str) -> list[tuple[ManifestEntry, dict[str, Any]]]:
    """Live entries of a manifest with every data file field up to format v3 (PyIceberg's own reader leaves
    out referenced_data_file, content_offset and content_size_in_bytes; earlier manifests read them as null)."""
    version = 3
    names = [field.name for field in DATA_FILE_TYPE[version].fields]
    with AvroFile[ManifestEntry](
        table.io.new_input(manifest_path),
        MANIFEST_ENTRY_SCHEMAS[version],
        read_types={-1: ManifestEntry, 2: DataFile},
        read_enums={0: ManifestEntryStatus, 101: FileFormat, 134: DataFileContent},
    ) as reader:
        entries = []
        for entry in reader:
            if entry.status == ManifestEntryStatus.DELETED:
                continue
            values = entry.data_file._data
            entries.append((entry, {name: values[i] if i < len(values) else None for i, name in enumerate(names)}))
        return entries


def internal_values(column: pa.ChunkedArray, typ: IcebergType) -> list[Any]:
    """A Parquet column's values in Iceberg's internal forms (what bounds decode to and transforms take)."""
    if isinstance(column.type, pa.BaseExtensionType):
        column = pa.chunked_array([chunk.storage for chunk in column.chunks], type=column.type.storage_type)
    if isinstance(typ, (TimestampType, TimestamptzType, TimeType)):
        return column.cast(pa.int64()).to_pylist()
    if isinstance(typ, DateType):
        return column.cast(pa.int32()).to_pylist()
    return column.to_pylist()


def decode_bound(typ: PrimitiveType, raw: bytes) -> Any:
    # a bound written before a promotion keeps the narrower type's width
    if isinstance(typ, LongType) and len(raw) == 4:
        typ = IntegerType()
    if isinstance(typ, DoubleType) and len(raw) == 4:
        typ = FloatType()
    return from_bytes(typ, raw)


def check_columns(path: str, fields: dict[str, Any], data: pa.Table, table: Table, problems: list[str]) -> None:
    """Value, null and NaN counts and bounds of every top-level primitive column against its values."""
    schema = table.schema()
    for index, arrow_field in enumerate(data.schema):
        field_id = int((arrow_field.metadata or {}).get(b"PARQUET:field_id", b"-1"))
        try:
            iceberg_field = schema.find_field(field_id)
        except ValueError:
            continue  # a column dropped since
        typ = iceberg_field.field_type
        if not isinstance(typ, PrimitiveType):
            continue
        values = internal_values(data.column(index), typ)
        present = [v for v in values if v is not None]
        is_float = isinstance(typ, (FloatType, DoubleType))
        nans = [v for v in present if is_float and math.isnan(v)]
        ordered = [v for v in present if not (is_float and math.isnan(v))]
        where = f"{path} column {iceberg_field.name} (field {field_id})"
        expected_counts = {
            "value_counts": len(values),
            "null_value_counts": len(values) - len(present),
            "nan_value_counts": len(nans) if is_float else None,
        }
        for key, expected in expected_counts.items():
            counts = fields[key] or {}
            if expected is not None and field_id in counts and counts[field_id] != expected:
                problems.append(f"{where}: {key} {counts[field_id]}, but the file has {expected}")
        lower_raw = (fields["lower_bounds"] or {}).get(field_id)
        upper_raw = (fields["upper_bounds"] or {}).get(field_id)
        if not ordered:
            if lower_raw is not None or upper_raw is not None:
                problems.append(f"{where}: bounds for a column without ordered values")
            continue
        actual_min, actual_max = min(ordered), max(ordered)
        # strings and binary may be truncated: the lower bound at or below, the upper at or above
        exact = not isinstance(typ, (StringType, BinaryType, FixedType))
        if lower_raw is not None:
            lower = decode_bound(typ, lower_raw)
            if (is_float and math.isnan(lower)) or (lower != actual_min if exact else lower > actual_min):
                problems.append(f"{where}: lower bound {lower!r}, but the smallest value is {actual_min!r}")
        if upper_raw is not None:
            upper = decode_bound(typ, upper_raw)
            if (is_float and math.isnan(upper)) or (upper != actual_max if exact else upper < actual_max):
                problems.append(f"{where}: upper bound {upper!r}, but the largest value is {actual_max!r}")


def check_partition(path: str, fields: dict[str, Any], spec_id: int, data: pa.Table, table: Table, problems: list[str]) -> None:
    """Every row of a data file has the partition values its manifest entry gives it."""
    spec = table.specs()[spec_id]
    schema = table.schema()
    columns = {int((f.metadata or {}).get(b"PARQUET:field_id", b"-1")): i for i, f in enumerate(data.schema)}
    for position, partition_field in enumerate(spec.fields):
        recorded = fields["partition"][position]
        source = schema.find_field(partition_field.source_id)
        transform = partition_field.transform.transform(source.field_type)
        if partition_field.source_id in columns:
            values = internal_values(data.column(columns[partition_field.source_id]), source.field_type)
        else:
            values = [None] * data.num_rows  # a column added after the file was written
        transformed = {transform(v) for v in values}
        if transformed != {recorded}:
            problems.append(f"{path}: partition field {partition_field.name} is {recorded!r} in the manifest, but the rows give {sorted(transformed, key=repr)!r}")


def check_position_deletes(path: str, entry: Any, fields: dict[str, Any], data_files: dict[str, Any], table: Table, problems: list[str]) -> None:
    with table.io.new_input(path).open() as stream:
        deletes = pq.read_table(stream)
    if deletes.num_rows != fields["record_count"]:
        problems.append(f"{path}: record_count {fields['record_count']}, but the file has {deletes.num_rows} deletes")
    referenced = fields["referenced_data_file"]
    targets = set(deletes.column("file_path").to_pylist())
    if referenced is not None and targets != {referenced}:
        problems.append(f"{path}: referenced_data_file {referenced}, but the deletes name {sorted(targets)}")
    for target in targets:
        check_deleted_positions(path, entry, target, [p for f, p in zip(deletes.column("file_path").to_pylist(), deletes.column("pos").to_pylist()) if f == target], data_files, problems)


def check_deletion_vector(path: str, entry: Any, fields: dict[str, Any], data_files: dict[str, Any], table: Table, problems: list[str]) -> None:
    with table.io.new_input(path).open() as stream:
        puffin = PuffinFile(stream.read())
    offset, size = fields["content_offset"], fields["content_size_in_bytes"]
    blobs = [b for b in puffin.footer.blobs if b.offset == offset and b.length == size]
    if len(blobs) != 1:
        problems.append(f"{path}: no blob at content_offset {offset} with content_size_in_bytes {size}")
        return
    blob = blobs[0]
    payload = puffin.get_blob_payload(blob)
    length = int.from_bytes(payload[0:4], "big")
    if blob.type != "deletion-vector-v1" or payload[4:8] != DV_MAGIC or length != len(payload) - 8:
        problems.append(f"{path}: blob at {offset} is not a deletion-vector-v1 blob (type {blob.type}, length {length} of {len(payload)})")
        return
    if int.from_bytes(payload[-4:], "big") != zlib.crc32(payload[4:-4]):
        problems.append(f"{path}: the CRC of the deletion vector at {offset} does not match")
    if blob.snapshot_id != -1 or blob.sequence_number != -1:
        problems.append(f"{path}: deletion vector blob has snapshot-id {blob.snapshot_id} and sequence-number {blob.sequence_number}, not -1")
    referenced = blob.properties.get("referenced-data-file")
    if referenced != fields["referenced_data_file"]:
        problems.append(f"{path}: blob names {referenced}, the manifest entry {fields['referenced_data_file']}")
    positions = DeletionVector(referenced, DeletionVector._deserialize_bitmap(payload[8:-4])).to_vector().to_pylist()
    cardinality = blob.properties.get("cardinality")
    if len(positions) != fields["record_count"] or cardinality != str(len(positions)):
        problems.append(f"{path}: {len(positions)} positions, record_count {fields['record_count']}, cardinality {cardinality}")
    check_deleted_positions(path, entry, referenced, positions, data_files, problems)


def check_deleted_positions(path: str, entry: Any, target: str, positions: list[int], data_files: dict[str, Any], problems: list[str]) -> None:
    data = data_files.get(target)
    if data is None:
        problems.append(f"{path}: deletes rows of {target}, which no snapshot has")
        return
    data_entry, data_fields = data
    if positions and (min(positions) < 0 or max(positions) >= data_fields["record_count"]):
        problems.append(f"{path}: positions {min(positions)}..{max(positions)} outside {target} ({data_fields['record_count']} rows)")
    if len(set(positions)) != len(positions):
        problems.append(f"{path}: a position of {target} is deleted twice")
    if entry.data_file.spec_id != data_entry.data_file.spec_id or tuple(entry.data_file.partition) != tuple(data_entry.data_file.partition):
        problems.append(f"{path}: in spec {entry.data_file.spec_id} partition {entry.data_file.partition}, but {target} is in spec {data_entry.data_file.spec_id} partition {data_entry.data_file.partition}")


def check_files(table: Table) -> dict[str, Any]:
    """Every data and delete file any snapshot reaches, against its manifest entry: the file size, record
    count, column metrics and partition values of data files; the targets, positions and partition of
    position delete files and deletion vectors (their Puffin blob, its framing and CRC)."""
    problems: list[str] = []
    entries: dict[str, tuple[Any, dict[str, Any]]] = {}
    manifests: set[str] = set()
    for snapshot in table.metadata.snapshots:
        for manifest in snapshot.manifests(table.io):
            if manifest.manifest_path in manifests:
                continue
            manifests.add(manifest.manifest_path)
            for entry, fields in manifest_entries(table, manifest.manifest_path):
                entry.data_file.spec_id = manifest.partition_spec_id
                entries.setdefault(entry.data_file.file_path, (entry, fields))
    data_files = {path: e for path, e in entries.items() if e[0].data_file.content == DataFileContent.DATA}
    checked = {"data": 0, "position": 0, "dv": 0, "equality": 0}
    for path, (entry, fields) in entries.items():
        file = entry.data_file
        size = len(table.io.new_input(path))
        if size != file.file_size_in_bytes:
            problems.append(f"{path}: file_size_in_bytes {file.file_size_in_bytes}, but the file has {size} bytes")
        if file.content == DataFileContent.DATA:
            with table.io.new_input(path).open() as stream:
                data = pq.read_table(stream)
            if data.num_rows != file.record_count:
                problems.append(f"{path}: record_count {file.record_count}, but the file has {data.num_rows} rows")
            check_columns(path, fields, data, table, problems)
            check_partition(path, fields, file.spec_id, data, table, problems)
            checked["data"] += 1
        elif file.content == DataFileContent.EQUALITY_DELETES:
            with table.io.new_input(path).open() as stream:
                rows = pq.read_table(stream).num_rows
            if rows != file.record_count or not file.equality_ids:
                problems.append(f"{path}: record_count {file.record_count} for {rows} rows, equality_ids {file.equality_ids}")
            checked["equality"] += 1
        elif file.file_format == FileFormat.PUFFIN:
            check_deletion_vector(path, entry, fields, data_files, table, problems)
            checked["dv"] += 1
        else:
            check_position_deletes(path, entry, fields, data_files, table, problems)
            checked["position"] += 1
    return {"checked": checked, "problems": problems}


def read_table(table: Table, filters: Sequence[str] = ()) -> dict[str, Any]:
    metadata = table.metadata
    snapshots = [
        {
            "snapshot_id": str(snapshot.snapshot_id),
            "operation": snapshot.summary.operation.value if snapshot.summary else None,
            "schema_id": snapshot.schema_id,
            **attempt(lambda snapshot_id=snapshot.snapshot_id: table.scan(snapshot_id=snapshot_id).to_arrow()),
        }
        for snapshot in metadata.snapshots
    ]
    refs = [
        {
            "name": name,
            "type": ref.snapshot_ref_type.value,
            "snapshot_id": str(ref.snapshot_id),
            **attempt(lambda name=name, ref=ref: read_ref(table, name, ref)),
        }
        for name, ref in metadata.refs.items()
    ]
    return {
        "metadata_location": table.metadata_location,
        "format_version": metadata.format_version,
        "current_snapshot_id": None if metadata.current_snapshot_id is None else str(metadata.current_snapshot_id),
        "snapshots": snapshots,
        "refs": refs,
        "current": attempt(lambda: table.scan().to_arrow()),
        "filters": [read_filtered(table, expression) for expression in filters],
        "files": attempt_check(lambda: check_files(table)),
    }


def open_catalog(config: dict[str, Any]) -> SqlCatalog:
    return SqlCatalog(config["name"], uri=config["uri"], warehouse=config["warehouse"], **config.get("properties", {}))


def read_tables(catalog: SqlCatalog, names: list[str], filters: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
    tables = []
    for name in names:
        try:
            tables.append({"name": name, **read_table(catalog.load_table(name), (filters or {}).get(name, []))})
        except Exception as error:  # noqa: BLE001
            tables.append({"name": name, "error": f"{type(error).__name__}: {error}"})
    return tables


def main(config: dict[str, Any]) -> None:
    catalog = open_catalog(config)
    report = {"pyiceberg": pyiceberg.__version__, "tables": read_tables(catalog, config["tables"], config.get("filters"))}
    catalog.close()
    Path(config["out"]).write_text(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
