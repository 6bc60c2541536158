"""Form helpers shared by every domain."""

from __future__ import annotations


def show_error(form, message, field: str | None = None) -> None:
    """Show a service's refusal next to the field it names, or at the top of the form."""
    target = getattr(form, field, None) if field else None
    if target is not None:
        target.errors = [*target.errors, message]
    else:
        form.form_errors.append(message)
