"""The printable plan, for one reader: plain words, the household's own words first.

It renders a ``cases.audience.PrintedPlan`` (only what its reader may hear) and nothing
else: the template gets no case, plan or version, so it cannot print what was left out.
Rendered from an HTML template by WeasyPrint (which needs Pango from the operating
system; see docs/setup.md). Imported lazily so the rest of the app runs without it.
"""

from django.template.loader import render_to_string


def plan_pdf(*, printed, request) -> bytes:
    from weasyprint import HTML

    html = render_to_string("cases/plan_print.html", {"printed": printed}, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
