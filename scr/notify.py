"""Emails from the service. Every email is rendered from emails/<name>_subject.txt,
_body.txt and _body.html, and written to the outbox (scr/outbox), which sends it
after commit, once.

Emails leave the secure service: templates get references, stages and dates,
never the subject's name or case details.
"""

from django.conf import settings
from django.template import Context, engines
from django.template.loader import render_to_string

from scr.outbox import services as outbox


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


def notify_people(*, template: str, recipients, context: dict, key: str = "", about=None) -> int:
    """Write one email per recipient (each sees only their own address) to the outbox.
    Inside an outbox job the emails are keyed by the job, so running it again writes
    none twice; otherwise by `key`, or by `about`, or they are new. Returns the count."""
    if not key and about is None and outbox.current_job() is None:
        key = outbox.new_key()
    count = 0
    for user in sorted(recipients, key=lambda u: u.email):
        subject, text, html = render_email(template, {**context, "recipient": user})
        outbox.email_enqueue(
            purpose=template,
            to=user.email,
            recipient=user,
            subject=subject,
            text=text,
            html=html,
            key=key,
            about=about,
        )
        count += 1
    return count
