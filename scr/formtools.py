"""The shape every form page of the service shares: a valid POST runs a service; what
the service refuses lands on the form as GOV.UK errors; success says so and redirects;
a page with errors answers 400 and keeps what was typed."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

# A save that does not say which revision its page was opened at is refused like a stale
# one: leaving the field out must not skip the check. No stored revision is negative.
MISSING_REVISION = -1


class RevisionField(forms.IntegerField):
    """The hidden revision an edit page was opened at, to catch a clash with a newer save."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, required=False, min_value=0, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return MISSING_REVISION if value is None else value


def add_service_errors(form, error: ValidationError, aliases: dict[str, str] | None = None):
    """Put a service's ValidationError on the form: field errors on their fields (or on
    the field `aliases` names for them), the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.message_dict.items():
        field = (aliases or {}).get(field, field)
        form.add_error(field if field in form.fields else None, problems)


def submit(request, form, action: Callable[[dict], object], *, success, redirect_to):
    """On a valid POST run `action(cleaned_data)`. Returns the redirect after success
    (`success` is the message, or a function of the action's result giving it), or
    None when the form should be shown again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return redirect(redirect_to)


def form_page(request, template: str, context: dict):
    """Render a form page: 400 while the form (context['form']) has errors."""
    form = context.get("form")
    return render(
        request, template, context, status=400 if form is not None and form.errors else 200
    )
