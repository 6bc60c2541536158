"""CSV downloads, in one place: every export defuses cells a spreadsheet would run."""

from __future__ import annotations

import csv
import io
from typing import Iterable

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell as text; one that starts like a formula gets a leading apostrophe, so a
    name such as ``=HYPERLINK(...)`` stays text in Excel or LibreOffice."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(rows: Iterable[Iterable], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
