"""``manifest.csv``: one row per source file with what became of it."""
from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MANIFEST_FILENAME = "manifest.csv"
COLUMNS = (
    "path",
    "sha256",
    "job_id",
    "status",
    "pages",
    "mean_confidence",
    "pages_below_threshold",
    "error_code",
)
# Statuses that make the bulk command exit non-zero.
FAILED_STATUSES = frozenset({"failed", "partial", "canceled", "incomplete"})


@dataclass(frozen=True)
class ManifestRow:
    path: str
    sha256: str | None
    job_id: str | None
    status: str  # succeeded | partial | failed | canceled | skipped | incomplete
    pages: int | None
    mean_confidence: float | None
    pages_below_threshold: int | None
    error_code: str | None
    extra: dict[str, str] | None = None  # more columns (--extract invoice: the key fields)

    def as_csv(self, extra_columns: tuple[str, ...] = ()) -> list[str]:
        def cell(value) -> str:
            if value is None:
                return ""
            if isinstance(value, float):
                return f"{value:.4f}"
            return str(value)

        extra = self.extra or {}
        return [cell(getattr(self, name)) for name in COLUMNS] + [extra.get(name, "") for name in extra_columns]


def write_manifest(path: Path, rows: Iterable[ManifestRow], extra_columns: tuple[str, ...] = ()) -> None:
    """Write atomically: a reader never sees half a manifest, even if the run is killed."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow((*COLUMNS, *extra_columns))
        for row in sorted(rows, key=lambda r: r.path):
            writer.writerow(row.as_csv(extra_columns))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_manifest(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
