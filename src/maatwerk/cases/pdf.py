"""The printable plan for the household: plain words, the household's own words first.

Rendered from an HTML template by WeasyPrint (which needs Pango from the operating
system; see docs/setup.md). Imported lazily so the rest of the app runs without it.
"""

from django.template.loader import render_to_string


def plan_pdf(*, case, state, voices, request) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "cases/plan_print.html",
        {
            "case": case,
            "plan": state.plan,
            "state": state,
            "version": state.version,
            "voices": voices,
        },
        request=request,
    )
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
