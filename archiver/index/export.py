"""Write exported articles as JSON Lines, CSV or Parquet (lists kept as lists where the format
has them, joined with ``"; "`` in CSV)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from archiver.exceptions import ConfigError
from archiver.index.query import EXPORT_COLUMNS

FORMATS = ("jsonl", "csv", "parquet")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
_LISTS = ("authors", "section", "tags")
_INTS = ("id", "word_count", "crawl_id")


def export_format(out: Path, given: str | None) -> str:
    """The format named by ``given``, else by the suffix of ``out``."""
    if given is not None:
        return given
    try:
        return _SUFFIXES[out.suffix.lower()]
    except KeyError:
        raise ConfigError(
            f"cannot tell the format of {out} from its suffix: name it .jsonl, .csv or "
            ".parquet, or pass --format jsonl|csv|parquet"
        ) from None


def _csv_value(key: str, value: Any) -> Any:
    if key in _LISTS:
        return "; ".join(value)
    if key == "images":
        return json.dumps(value, ensure_ascii=False) if value else ""
    return value


def write_articles(rows: Iterable[dict[str, Any]], out: Path, fmt: str) -> int:
    """Write ``rows`` to ``out`` in ``fmt``; returns how many were written."""
    if fmt == "jsonl":
        n = 0
        with out.open("w", encoding="utf-8") as fh:
            for n, row in enumerate(rows, 1):  # noqa: B007 - n is the count
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return n
    if fmt == "csv":
        n = 0
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=EXPORT_COLUMNS)
            writer.writeheader()
            for n, row in enumerate(rows, 1):  # noqa: B007 - n is the count
                writer.writerow({k: _csv_value(k, v) for k, v in row.items()})
        return n
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        image = pa.struct([("url", pa.string()), ("caption", pa.string())])
        types = {c: pa.list_(pa.string()) for c in _LISTS}
        types.update({c: pa.int64() for c in _INTS})
        types.update({"images": pa.list_(image), "is_paywalled": pa.bool_()})
        fields = [pa.field(c, types.get(c, pa.string())) for c in EXPORT_COLUMNS]
        data = list(rows)
        pq.write_table(pa.Table.from_pylist(data, schema=pa.schema(fields)), out)
        return len(data)
    raise ConfigError(f"unknown export format {fmt!r}: give one of {', '.join(FORMATS)}")
