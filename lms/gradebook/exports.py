"""The gradebook as rows for a spreadsheet, and as an Excel workbook (openpyxl).

Every text cell that starts like a formula (``= + - @``, a tab or a carriage return) is
prefixed with an apostrophe, in the CSV (``lms.core.exports``) and in the workbook, where
openpyxl would otherwise store a text starting with ``=`` as a formula."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from lms.core.exports import safe_cell
from lms.gradebook.services import Gradebook


def _percent(score: float | None) -> float | None:
    return None if score is None else round(score * 100, 1)


def rows(book: Gradebook) -> list[list]:
    """A header row, then one row per learner: name, username, items done, average score,
    and per item its state, best score (percent), attempts and whether it is late; then a
    totals row per item. Numbers stay numbers (the workbook keeps them so)."""
    header = [_("Name"), _("Username"), _("Items done"), _("Average score (%)")]
    for column in book.columns:
        title = f"{column.item.course.title}: {column.item.title}"
        header += [f"{title} — {_('status')}", f"{title} — {_('best score (%)')}", f"{title} — {_('attempts')}",
                   f"{title} — {_('late')}"]
    table = [header]
    # Each state's name and the word "late" translated once, not once per cell (1,200 a class).
    names: dict[str, str] = {}
    late = _("late")
    for row in book.rows:
        line = [row.learner.display_name, row.learner.username, row.done, _percent(row.average)]
        for cell in row.cells:
            if cell.state not in names:
                names[cell.state] = cell.state_name
            line += [names[cell.state], _percent(cell.best_score), cell.attempts, late if cell.late else ""]
        table.append(line)
    totals = [_("Done by"), "", "", ""]
    for column in book.columns:
        totals += ["", _percent(column.average), column.done, column.late]
    table.append(totals)
    return table


def xlsx(book: Gradebook, title: str) -> bytes:
    """The gradebook as an Excel workbook: one sheet, the header bold and frozen."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = safe_cell(title)[:31].translate(str.maketrans("[]:*?/\\", "()_____")) or "Gradebook"
    for line in rows(book):
        sheet.append([safe_cell(value) if isinstance(value, str) else value for value in line])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
