"""The worker's side of rendered documents."""

from celery import shared_task
from django.conf import settings

from scr.documents import services

# render_pdf stops a layout after DOCUMENT_RENDER_SECONDS; the worker's limits stand
# behind it: the soft one raises in the task (the document is marked failed), the hard
# one ends the worker process (the document is asked again once stale, services.py).
SOFT_TIME_LIMIT = settings.DOCUMENT_RENDER_SECONDS + 30
TIME_LIMIT = settings.DOCUMENT_RENDER_SECONDS + 60


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=3,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def document_render_task(*, document_id: int) -> str:
    return services.document_render(document_id=document_id)
