"""Pages for signed-in users hold case data: browsers and proxies must not keep them."""

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Every answer to a signed-in user (page, PDF, uploaded file, export) gets
    `Cache-Control: no-store`, whatever caching the view asked for. Static files never
    come here: whitenoise answers them first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _no_store(response):
            add_never_cache_headers(response)
        return response


def _no_store(response) -> bool:
    directives = {d.strip().lower() for d in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives


class MethodNotAllowedPageMiddleware:
    """Django answers a wrong method (a GET of a sign-out button's address, say) with an
    empty 405, which browsers show as a blank error. Give it a page instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response
