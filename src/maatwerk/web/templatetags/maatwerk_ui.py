"""Small UI components as template tags (NL Design System markup in one place)."""

from django import template

register = template.Library()


@register.inclusion_tag("components/field.html")
def form_field(field, show_optional=True):
    """A labelled form field with its description and field-level errors."""
    if field.errors:
        described = [f"{field.auto_id}_error_{i}" for i in range(1, len(field.errors) + 1)]
        field.field.widget.attrs["aria-invalid"] = "true"
    else:
        described = []
        field.field.widget.attrs.pop("aria-invalid", None)
    if field.help_text:
        described.insert(0, f"{field.auto_id}_help")
    if described:
        field.field.widget.attrs["aria-describedby"] = " ".join(described)
    widget = field.field.widget
    css = {
        "select": "utrecht-select utrecht-select--html-select",
        "checkbox": "utrecht-checkbox utrecht-checkbox--html-input",
    }.get(getattr(widget, "input_type", ""), "utrecht-textbox utrecht-textbox--html-input")
    if widget.__class__.__name__ == "Textarea":
        css = "utrecht-textarea utrecht-textarea--html-textarea"
    widget.attrs.setdefault("class", css)
    return {"field": field, "show_optional": show_optional}


@register.inclusion_tag("components/form_errors.html")
def form_errors(form):
    return {"form": form}


def _anchor(field) -> str:
    # A list of checkboxes or radios has no id of its own: link to its first option.
    return field.id_for_label or f"{field.auto_id}_0"


def _field_errors(form, prefix: str = "") -> list[dict]:
    entries = [{"text": f"{prefix}{error}", "anchor": ""} for error in form.non_field_errors()]
    for field in form:
        for error in field.errors:
            entries.append({"text": f"{prefix}{field.label}: {error}", "anchor": _anchor(field)})
    return entries


@register.inclusion_tag("components/error_summary.html")
def error_summary(form, *formsets):
    """The error summary at the top of a long form (NL Design System style): every
    error of the form and of its formsets, each a link to its field. ``formsets``:
    pairs of a formset and the name of one row, numbered here ("Goal 2 – …"), e.g.
    ``{% error_summary form goals _("Goal") actions _("Action") %}``."""
    entries = _field_errors(form)
    for formset, label in zip(formsets[::2], formsets[1::2], strict=True):
        entries += [{"text": str(error), "anchor": ""} for error in formset.non_form_errors()]
        for number, row in enumerate(formset.forms, 1):
            if row.errors:
                entries += _field_errors(row, prefix=f"{label} {number} – ")
    return {"entries": entries}


@register.inclusion_tag("components/pagination.html")
def pagination(page, query=""):
    return {"page": page, "query": query}


@register.filter
def minutes(value) -> int:
    """A timedelta as whole minutes (rounded up)."""
    if not value:
        return 0
    return int(-(-value.total_seconds() // 60))
