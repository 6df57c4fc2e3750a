"""What a layout process of scr.documents.pipeline runs (and the render's own process,
when it lays a part out itself).

A spawned process imports this module to unpickle the function it is asked to run,
before Django is set up: nothing here imports Django or the project at the top.
"""

import time


def setup() -> None:
    """A spawned process starts with nothing: Django (settings, static file finders)
    comes first, from DJANGO_SETTINGS_MODULE, as the parent had it."""
    from django.apps import apps

    if not apps.ready:
        import django

        django.setup()


def start() -> None:
    """The pool's initializer: Django, then a first layout, so that fonts and WeasyPrint's
    caches load now and not on the first part's time."""
    setup()
    from scr.documents.render import lay_out, pdf_options

    lay_out("<!DOCTYPE html><html lang='en-GB'><title>-</title><p>-</p></html>", pdf_options())


def ready() -> bool:
    return True


def seconds_left(deadline: float) -> float:
    """Seconds until `deadline` (time.time(): the same clock in every process)."""
    left = deadline - time.time()
    if left <= 0:
        from django.conf import settings

        from scr.documents.render import RenderTimeout

        raise RenderTimeout(settings.DOCUMENT_RENDER_SECONDS)
    return left


def lay_out_part(html: str, tagged: bool, deadline: float) -> bytes:
    """Lay out one part and return it as laid_out.Part's bytes, stopped at `deadline`, with
    render.py's rules (its URL fetcher, no attachments, its time limit)."""
    setup()
    from scr.documents import laid_out
    from scr.documents.render import lay_out, pdf_options, time_limit

    options = pdf_options(tagged=tagged)
    with time_limit(seconds_left(deadline)):
        layout = lay_out(html, options)
        part = laid_out.part_from_layout(layout, options, name=laid_out.part_name(html))
    return part.encode()
