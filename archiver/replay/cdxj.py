"""CDXJ indexes next to the WARC files, one per file, built by cdxj-indexer and kept current.

``archive/warc/NAME.warc.gz`` gets ``archive/cdxj/NAME.warc.gz.cdxj`` (sorted, ``filename``
relative to ``archive/warc``), which pywb reads as the collection's index: pywb's own layout
of ``archive/`` and ``indexes/`` side by side, and ``archive/warc`` keeps only WARC files.
:func:`update_cdxj` brings the indexes up to date: a file without an index, or changed since
its index was written, is indexed again; the file being written (``NAME.warc.gz.open``) is
indexed under that name and, once the writer rotates and renames it, under its final name,
the stale index going.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import attrs

from archiver.exceptions import ArchiverError, WarcError
from archiver.reindex import warc_files
from archiver.replay.tools import ReplayTools

logger = logging.getLogger(__name__)

SUFFIX = ".cdxj"
DIRECTORY = "cdxj"
"""The directory of the indexes, a sibling of the WARC directory."""


@attrs.define(kw_only=True)
class CdxjUpdate:
    """What :func:`update_cdxj` did."""

    indexed: list[Path] = attrs.field(factory=list)
    """Index files (re)written."""
    removed: list[Path] = attrs.field(factory=list)
    """Index files of WARC files that are gone (renamed ``.open`` files)."""
    current: int = 0
    """Index files that were already up to date."""


def cdxj_dir(warc_dir: Path) -> Path:
    """The directory of the indexes of the WARC files in ``warc_dir``."""
    return warc_dir.parent / DIRECTORY


def cdxj_path(warc: Path) -> Path:
    """The index file of a WARC file."""
    return cdxj_dir(warc.parent) / (warc.name + SUFFIX)


def _stale(warc: Path, index: Path) -> bool:
    try:
        return index.stat().st_mtime_ns < warc.stat().st_mtime_ns
    except FileNotFoundError:
        return True


def update_cdxj(warc_dir: str | Path, tools: ReplayTools) -> CdxjUpdate:
    """Index every WARC file of ``warc_dir`` lacking a current CDXJ index; drop orphans."""
    warc_dir = Path(warc_dir)
    files = warc_files(warc_dir)
    update = CdxjUpdate()
    names = {p.name for p in files}
    cdxj_dir(warc_dir).mkdir(exist_ok=True)
    for index in sorted(cdxj_dir(warc_dir).glob(f"*{SUFFIX}")):
        if index.name.removesuffix(SUFFIX) not in names:
            index.unlink(missing_ok=True)
            update.removed.append(index)
    for warc in files:
        index = cdxj_path(warc)
        if not _stale(warc, index):
            update.current += 1
            continue
        tmp = index.with_name(f".{index.name}.part")
        try:
            tools.run(
                "cdxj-indexer",
                *("--sort", "--dir-root", str(warc_dir), "-o", str(tmp), str(warc)),
            )
            os.replace(tmp, index)
        except ArchiverError as e:
            tmp.unlink(missing_ok=True)
            if warc.name.endswith(".open"):  # being written: a record may be half there
                logger.debug("%s not indexed yet: %s", warc, e)
                continue
            raise WarcError(
                f"{warc}: cannot build its CDXJ index ({e}); check the file with "
                "archiver reindex or move it out of the directory"
            ) from e
        update.indexed.append(index)
    return update
