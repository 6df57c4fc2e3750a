"""Failed access in the audit trail: a signed-in user refused by a view (scr.access
raises Http404 when they may not see the object, PermissionDenied when they may see it
but not act) leaves one ACCESS_DENIED row. Names and ids only, from the URL pattern:
never the page's content, and never a string argument that is not an id (a token)."""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from scr import registry
from scr.audit.services import DENIAL_RECORDED, Action, Outcome, audit_record

# String arguments of URL patterns that name an object; every other string (a calendar
# token, a password-reset token) stays out of the trail. Integer arguments are ids. The
# stages add their own (registry.AUDIT_URL_ARGUMENTS): "" for an id, else the object kind.
ID_ARGUMENTS = frozenset({"reference"})
SHORT_ID = re.compile(r"[\w-]{1,40}")
# The object a refusal is about, by the URL argument that names it.
OBJECT_ARGUMENTS = {"deadline_id": "deadline"}


def _id_arguments() -> frozenset[str]:
    return ID_ARGUMENTS | frozenset(registry.AUDIT_URL_ARGUMENTS.keys())


def _object_arguments() -> dict[str, str]:
    stages = {name: kind for name, kind in registry.AUDIT_URL_ARGUMENTS.items() if kind}
    return {**stages, **OBJECT_ARGUMENTS}


def _url_ids(kwargs: dict) -> dict[str, str]:
    ids = {}
    id_arguments = _id_arguments()
    for name, value in kwargs.items():
        if isinstance(value, int) or (
            name in id_arguments and isinstance(value, str) and SHORT_ID.fullmatch(value)
        ):
            ids[name] = str(value)
    return ids


def _case(user, reference: str):
    from scr.cases.models import Case

    # The user's own board only: a reference probed on another board names nothing here.
    return Case.objects.filter(board_id=user.board_id, reference=reference.upper()).first()


class AccessDeniedAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Http404 | PermissionDenied):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or getattr(request, DENIAL_RECORDED, False):
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        match = request.resolver_match
        ids = _url_ids(match.kwargs if match else {})
        where = ids.pop("reference", "")
        record = {"object_type": "", "object_id": "", "label": ""}
        if where:
            case = _case(user, where)
            record.update(object_type="case", label=where)
            if case is not None:
                record["object_id"] = str(case.pk)
        else:
            for name, kind in _object_arguments().items():
                if name in ids:
                    record.update(object_type=kind, object_id=ids.pop(name))
                    break
        arguments = " ".join(f"{name}={value}" for name, value in sorted(ids.items()))
        status = 403 if isinstance(exception, PermissionDenied) else 404
        audit_record(
            action=Action.ACCESS_DENIED,
            outcome=Outcome.DENIED,
            actor=user,
            request=request,
            detail=f"{status} {match.view_name if match else '-'} {arguments}".strip(),
            **record,
        )
        return None
