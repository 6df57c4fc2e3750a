"""An address with a case's older reference (SCR-2026-001, before the board's code led
references) goes on to the same page under its reference (NSAB-SCR-2026-001)."""

from django.http import HttpResponseRedirect
from django.urls import reverse

from scr import access
from scr.cases.references import OLD_FORM, old_reference_cases


class OldReferenceRedirectMiddleware:
    """Every page of a case takes its reference as `reference`. An older one that the
    user's visible cases have once is redirected (GET and HEAD; a form posted to an old
    address was never shown by this service). Nothing else is touched: a reference in
    today's form costs no query, and a case the user may not see answers 404 as before."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        reference = view_kwargs.get("reference")
        if (
            not reference
            or request.method not in ("GET", "HEAD")
            or not OLD_FORM.match(reference)
            or request.resolver_match is None
        ):
            return None
        visible = access.cases_visible_to(request.user)
        if visible.filter(reference=reference).exists():
            return None
        case = old_reference_cases(visible, reference).only("reference").first()
        if case is None:
            return None
        match = request.resolver_match
        url = reverse(
            match.view_name, args=view_args, kwargs={**view_kwargs, "reference": case.reference}
        )
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(f"{url}?{query}" if query else url)
