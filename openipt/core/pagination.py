"""Pagination that never errors on a bad page number."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, queryset: Any, per_page: int = 25, param: str = "page") -> Page[Any]:
    """Return the requested page, falling back to the first or last page for bad numbers."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get(param))
