from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where the form has
    that field (the rest as form-level errors), so the page shows it where it belongs."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
