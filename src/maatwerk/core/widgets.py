from django import forms


class DateInput(forms.DateInput):
    """A native date picker. ``<input type="date">`` only takes ISO dates, whatever the
    page language, so the value is always rendered as YYYY-MM-DD (Django would render
    a Dutch 26-11-2026, which the browser silently drops)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
