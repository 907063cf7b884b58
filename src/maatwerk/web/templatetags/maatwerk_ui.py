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


@register.inclusion_tag("components/pagination.html")
def pagination(page, query=""):
    return {"page": page, "query": query}


@register.filter
def minutes(value) -> int:
    """A timedelta as whole minutes (rounded up)."""
    if not value:
        return 0
    return int(-(-value.total_seconds() // 60))
