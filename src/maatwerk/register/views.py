from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from maatwerk.audit.access import permission_required

from .forms import OrganisationSearchForm
from .selectors import organisation_detail, organisation_search

PAGE_SIZE = 25


@permission_required("register.view_organisation")
def organisation_list(request):
    form = OrganisationSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = organisation_search(
        query=filters.get("q", ""),
        type=filters.get("type", ""),
        domain=filters.get("domain", ""),
        regulation=filters.get("regulation", ""),
    )
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "register/organisation_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@permission_required("register.view_organisation")
def organisation_view(request, slug):
    organisation = organisation_detail(slug=slug)
    if organisation is None:
        raise Http404
    return render(request, "register/organisation_detail.html", {"organisation": organisation})
