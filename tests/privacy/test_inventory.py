"""docs/privacy.md and the inventory it is built from cover every column of every table."""

from pathlib import Path

import lms.models  # noqa: F401  (every table)
from lms.extensions import db
from lms.privacy.inventory import INVENTORY, markdown, personal_columns

DOC = Path(__file__).parents[2] / "docs" / "privacy.md"


def test_every_column_of_every_table_is_classified_as_personal_or_not():
    """A new table or column fails here until the inventory says whether it holds personal data."""
    problems = []
    for name, table in db.metadata.tables.items():
        entry = INVENTORY.get(name)
        if entry is None:
            problems.append(f"table {name} is not in lms/privacy/inventory.py")
            continue
        listed = set(entry.personal) | set(entry.other)
        for column in table.columns:
            if column.name not in listed:
                problems.append(f"{name}.{column.name} is neither personal nor other in the inventory")
        for column in listed - {column.name for column in table.columns}:
            problems.append(f"{name}.{column} is in the inventory but not in the model")
        if set(entry.personal) & set(entry.other):
            problems.append(f"{name}: {set(entry.personal) & set(entry.other)} listed twice")
    for name in set(INVENTORY) - set(db.metadata.tables):
        problems.append(f"table {name} is in the inventory but not in the models")
    assert problems == []


def test_every_table_with_personal_data_says_why_who_sees_it_and_how_long():
    for name, entry in INVENTORY.items():
        if entry.personal:
            assert entry.holds and entry.why and entry.who and entry.kept, name


def test_the_document_names_every_personal_column_and_carries_the_inventory():
    """docs/privacy.md carries the table `python -m lms.privacy.inventory` prints, so it is complete."""
    text = DOC.read_text(encoding="utf-8")
    missing = [column for column in personal_columns() if f"`{column}`" not in text]
    assert missing == []
    assert markdown() in text, "run: python -m lms.privacy.inventory and paste it into docs/privacy.md"
