from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Cursor paging (keyset, as the pages: a deep page costs what the first costs, and
    rows added meanwhile do not shift the pages). Each list names its ``ordering`` on
    the view, ending in a unique field."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "ordering", None) or self.ordering
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)
