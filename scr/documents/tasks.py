"""The worker's side of rendered documents."""

from celery import shared_task

from scr.documents import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=3)
def document_render_task(*, document_id: int) -> str:
    return services.document_render(document_id=document_id)
