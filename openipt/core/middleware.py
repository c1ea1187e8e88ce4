"""Request and response handling that every page shares: clean input, no caching of records.

`CleanInputMiddleware` runs before every other part of the site reads a request: a NUL character
has no meaning in any text a person types, and PostgreSQL refuses to store one, so it is removed
from every query-string and form value (names too) before sign-in, the lockout, forms or actions
see it. A NUL in the address itself is refused with a 400 page. JSON bodies are cleaned where they
are read (`openipt.core.jsonbody`).

`NoStoreMiddleware` tells browsers and proxies not to keep any page: nearly every page shows
someone's clinical record, and a page kept on a shared computer's disk outlives the sign-out.
Static files are served before this middleware (whitenoise) and keep their long cache.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Addresses a program calls (the REST API): refusals made here answer in the API's JSON error shape.
MACHINE_PATHS = ("/api/v1/",)


def strip_nul(text: str) -> str:
    """Return `text` without NUL characters."""
    return text.replace(NUL, "") if NUL in text else text


def _cleaned(query: QueryDict) -> QueryDict | None:
    """A copy of `query` without NUL characters, or None when it has none."""
    if not any(NUL in key or any(NUL in v for v in values) for key, values in query.lists()):
        return None
    clean = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        clean.setlist(strip_nul(key), [strip_nul(v) for v in values])
    clean._mutable = False
    return clean


class CleanInputMiddleware:
    """Remove NUL characters from query strings and form fields; refuse them in the address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if NUL in request.path_info:
            if request.path_info.startswith(MACHINE_PATHS):  # a program reads the answer: JSON as the API's own
                return JsonResponse({"error": {"code": "bad_request", "message": "The address has a NUL character."}},
                                    status=400)
            return render(request, "errors/400.html", {"reason": "nul"}, status=400)
        clean = _cleaned(request.GET)
        if clean is not None:
            request.GET = clean  # type: ignore[assignment]  # read-only again, as Django made it
        if request.method == "POST" and request.content_type in FORM_TYPES:
            clean = _cleaned(request.POST)
            if clean is not None:
                request.POST = clean  # type: ignore[assignment]  # read-only again, as Django made it
        return self.get_response(request)


class NoStoreMiddleware:
    """Mark every dynamic page as not to be stored by the browser or any cache on the way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response
