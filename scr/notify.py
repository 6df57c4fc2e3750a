"""Emails from the service. Every email is rendered from emails/<name>_subject.txt,
_body.txt and _body.html, and is sent only from a task after commit.

Emails leave the secure service: templates get references, stages and dates,
never the subject's name or case details.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template import Context, engines
from django.template.loader import render_to_string


def _render_plain(name: str, context: dict) -> str:
    """A plain-text template without HTML escaping: "O'Neill" stays O'Neill in a subject
    or a text body (render_to_string would write O&#x27;Neill)."""
    template = engines["django"].engine.get_template(name)
    return template.render(Context(context, autoescape=False))


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(_render_plain(f"emails/{template}_subject.txt", context).split())
    text = _render_plain(f"emails/{template}_body.txt", context)
    html = render_to_string(f"emails/{template}_body.html", context)
    return subject, text, html


def notify_people(*, template: str, recipients, context: dict) -> int:
    """Send one email per recipient (each sees only their own address). Returns the count."""
    messages = []
    for user in sorted(recipients, key=lambda u: u.email):
        subject, text, html = render_email(template, {**context, "recipient": user})
        message = EmailMultiAlternatives(subject, text, to=[user.email])
        message.attach_alternative(html, "text/html")
        messages.append(message)
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages)
