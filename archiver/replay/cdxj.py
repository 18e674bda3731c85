"""CDXJ indexes next to the WARC files, one per file, built by cdxj-indexer and kept current.

``archive/warc/NAME.warc.gz`` gets ``archive/cdxj/NAME.warc.gz.cdxj`` (sorted, ``filename``
relative to ``archive/warc``), which pywb reads as the collection's index: pywb's own layout
of ``archive/`` and ``indexes/`` side by side, and ``archive/warc`` keeps only WARC files.
Beside each index, ``NAME.warc.gz.cdxj.json`` records what it was built from: the WARC file's
size and mtime, and the damage ``archiver check`` would report in it (a truncated file, which
cdxj-indexer reads only in part without failing).

:func:`update_cdxj` brings the indexes up to date: a file without an index, or whose size or
mtime differ from those its index was built from (a file put back with ``cp -p`` may be older
than its index), or an index without that record (written by an older version), is indexed
again; the file being written (``NAME.warc.gz.open``) is indexed under that name and, once the
writer rotates and renames it, under its final name, the stale index going.

A file outside the WARC directory (``others``) is indexed under a name made of its own name and
a hash of its absolute path, which its record holds; one cdxj-indexer cannot read is skipped, not
fatal: an empty index and a record of the error stand for it until the file changes, and
:attr:`CdxjUpdate.failed` names it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from archiver.archive import IMPORTED
from archiver.exceptions import ArchiverError, WarcError
from archiver.reindex import scan_warc, warc_files
from archiver.replay.tools import ReplayTools

logger = logging.getLogger(__name__)

SUFFIX = ".cdxj"
DIRECTORY = "cdxj"
"""The directory of the indexes, a sibling of the WARC directory."""
STEM_BYTES = 100
"""At most this much of a file outside the WARC directory's own name starts its index's name
(which then stays well within the 255 bytes a file name may have)."""
_WARC_INDEX = re.compile(r"\.warc(\.gz)?(\.open)?" + re.escape(SUFFIX) + "$")
"""The name of the index of a file in the WARC directory (see :func:`reindex.warc_files`)."""


@attrs.define(kw_only=True)
class CdxjUpdate:
    """What :func:`update_cdxj` did."""

    indexed: list[Path] = attrs.field(factory=list)
    """Index files (re)written."""
    removed: list[Path] = attrs.field(factory=list)
    """Index files of WARC files that are gone (renamed ``.open`` files)."""
    current: int = 0
    """Index files that were already up to date."""
    new: list[Path] = attrs.field(factory=list)
    """The WARC files of ``indexed``, and those of ``failed`` that failed this time."""
    damaged: dict[Path, str] = attrs.field(factory=dict)
    """WARC files found truncated or corrupt when indexed (their indexes cover only what
    cdxj-indexer could read), each with what is wrong; those indexed earlier too."""
    failed: dict[Path, str] = attrs.field(factory=dict)
    """WARC files outside the WARC directory that cdxj-indexer could not index, each with its
    error: nothing of them replays (those that failed earlier too, until they change)."""

    def warnings(self, *, new_only: bool = False) -> list[str]:
        """One line per damaged WARC file (``new_only``: those indexed this time)."""
        return [
            f"{warc} is damaged, replay serves only what cdxj-indexer could read of it: "
            f"run archiver check ({problem})"
            for warc, problem in self.damaged.items()
            if not new_only or warc in self.new
        ]


def cdxj_dir(warc_dir: Path) -> Path:
    """The directory of the indexes of the WARC files in ``warc_dir``."""
    return warc_dir.parent / DIRECTORY


def cdxj_path(warc: Path) -> Path:
    """The index file of a WARC file."""
    return cdxj_dir(warc.parent) / (warc.name + SUFFIX)


def source_path(index: Path) -> Path:
    """The record of what ``index`` was built from (``NAME.warc.gz.cdxj.json``)."""
    return index.with_name(index.name + ".json")


def _source(warc: Path) -> dict[str, int]:
    stat = warc.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _built_from(index: Path) -> dict[str, Any] | None:
    """The record beside ``index``; ``None`` if it or the index is missing or unreadable."""
    try:
        record = json.loads(source_path(index).read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and index.is_file() else None


def _stale(warc: Path, index: Path, path: str | None) -> bool:
    """Whether ``index`` was not built from ``warc`` as it is now (its size and mtime; its
    absolute path ``path``, if the record should hold one)."""
    record = _built_from(index)
    try:
        now: dict[str, Any] = {**_source(warc), **({} if path is None else {"path": path})}
    except FileNotFoundError:
        return True
    return record is None or any(record.get(k) != v for k, v in now.items())


def _last_offset(index: Path) -> int:
    """Where the last record ``index`` holds starts in its WARC file (0 if it holds none)."""
    offsets = [0]
    with index.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                offsets.append(int(json.loads(line.split(" ", 2)[2])["offset"]))
            except (IndexError, ValueError, KeyError, TypeError):
                continue
    return max(offsets)


def _damage(warc: Path, index: Path) -> str | None:
    """What ``archiver check`` reports of a finished WARC file cut short or corrupt after the
    last record its index holds, if anything: cdxj-indexer indexes what it can read of such a
    file, the part-record at the cut included, and exits 0. Only that tail is read again."""
    if warc.name.endswith(".open"):  # being written: a record may be half there
        return None
    try:
        for _ in scan_warc(warc, _last_offset(index)):
            pass
    except WarcError as e:
        return str(e).removeprefix(f"{warc}: ")
    return None


def _write_source(index: Path, source: dict[str, Any], damage: str | None) -> None:
    path = source_path(index)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(json.dumps({**source, "damage": damage}) + "\n")
    os.replace(tmp, path)


def other_index_path(warc_dir: Path, warc: Path) -> Path:
    """The index file of a WARC file outside ``warc_dir``, in the same directory as the
    others: ``<its name>.<sha1 of its absolute path>.cdxj``, its name cut to
    :data:`STEM_BYTES` (a name no index of a file in ``warc_dir`` has: those end
    ``.warc.gz.cdxj``); the record beside it holds the whole path."""
    key = hashlib.sha1(str(warc.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    stem = warc.name.encode("utf-8", "surrogateescape")[:STEM_BYTES].decode("utf-8", "ignore")
    return cdxj_dir(warc_dir) / f"{stem.lstrip('.')}.{key}{SUFFIX}"


def _other(index: Path) -> bool:
    """Whether ``index`` is that of a file outside the WARC directory (``%2F`` in its name:
    named by its path, by an older version)."""
    return not _WARC_INDEX.search(index.name) or "%2F" in index.name


def index_roots(warc_dir: Path) -> list[Path]:
    """The directories the ``filename`` of every index entry is relative to, as pywb's
    ``archive_paths`` tries them: ``warc_dir``, the archive's ``imported/``, ``/``."""
    return [warc_dir, warc_dir.parent / IMPORTED, Path("/")]


def _root(warc_dir: Path, warc: Path) -> Path:
    imported = (warc_dir.parent / IMPORTED).resolve()
    return imported if warc.resolve().is_relative_to(imported) else Path("/")


def update_cdxj(
    warc_dir: str | Path, tools: ReplayTools, *, others: Sequence[Path] | None = None
) -> CdxjUpdate:
    """Index every WARC file of ``warc_dir`` lacking a current CDXJ index; drop orphans.

    With ``others`` (WARC files outside ``warc_dir``: a WACZ's unpacked in the archive's
    ``imported/``, foreign ones by path), those too, in the same directory, and ``warc_dir``
    may be missing or empty; without, the indexes of such files are left as they are. One
    of ``others`` that cannot be indexed is in :attr:`CdxjUpdate.failed`, not an error.
    """
    warc_dir = Path(warc_dir)
    some = others is None or any(warc_dir.glob("*.warc*"))
    files = warc_files(warc_dir) if some else []
    jobs: list[tuple[Path, Path, Path, str | None]] = [
        (warc, cdxj_path(warc), warc_dir, None) for warc in files
    ]
    jobs += [
        (w, other_index_path(warc_dir, w), _root(warc_dir, w), str(w.resolve()))
        for w in others or ()
    ]
    update = CdxjUpdate()
    wanted = {index for _, index, _, _ in jobs}
    cdxj_dir(warc_dir).mkdir(parents=True, exist_ok=True)
    for index in sorted(cdxj_dir(warc_dir).glob(f"*{SUFFIX}")):
        if index not in wanted and (others is not None or not _other(index)):
            index.unlink(missing_ok=True)
            source_path(index).unlink(missing_ok=True)
            update.removed.append(index)
    for warc, index, root, path in jobs:
        if not _stale(warc, index, path):
            update.current += 1
            record = _built_from(index) or {}
            if (damage := record.get("damage")) is not None:
                update.damaged[warc] = str(damage)
            if (error := record.get("error")) is not None:
                update.failed[warc] = str(error)
            continue
        tmp = index.with_name(f".{index.name}.part")
        where: dict[str, Any] = {} if path is None else {"path": path}
        try:
            source = {**_source(warc), **where}  # before reading it: one changed is stale
            tools.run(
                "cdxj-indexer",
                *("--sort", "--dir-root", str(root), "-o", str(tmp), str(warc.resolve())),
            )
            os.replace(tmp, index)
            damage = _damage(warc, index)
            _write_source(index, source, damage)
        except FileNotFoundError:  # renamed from .open meanwhile: indexed next time
            tmp.unlink(missing_ok=True)
            continue
        except ArchiverError as e:
            tmp.unlink(missing_ok=True)
            if warc.name.endswith(".open"):  # being written: a record may be half there
                logger.debug("%s not indexed yet: %s", warc, e)
                continue
            if path is not None:  # outside warc_dir: skipped, the rest replays
                index.write_bytes(b"")
                _write_source(index, {**source, "error": str(e)}, None)
                update.failed[warc] = str(e)
                update.new.append(warc)
                continue
            raise WarcError(
                f"{warc}: cannot build its CDXJ index ({e}); check the file with "
                "archiver reindex or move it out of the directory"
            ) from e
        update.indexed.append(index)
        update.new.append(warc)
        if damage is not None:
            update.damaged[warc] = damage
    return update
