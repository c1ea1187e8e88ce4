"""Pagination that never errors on a bad page number."""

from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int = 25, param: str = "page"):
    """Return the requested page, falling back to the first or last page for bad numbers."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get(param))
