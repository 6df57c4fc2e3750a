"""Run in a daemonic billiard process, as the processes of a Celery prefork worker are
(test_parallel_pdf.py): the pipeline starts its own pool of layout processes from there,
which the standard library's pools refuse to do ('daemonic processes are not allowed to
have children')."""

import multiprocessing
import os
import time


def lay_out_from_a_daemon(html: str) -> dict:
    import django

    django.setup()
    from django.conf import settings

    from scr.documents import laid_out, pipeline

    settings.DOCUMENT_PDF_WORKERS = 2
    jobs = [pipeline.Job(html.replace("NUMBER", str(n))) for n in range(3)]
    try:
        laid = dict(pipeline._lay_out_all(jobs, time.time() + 120))
        workers = pipeline.pool_pids()
    finally:
        pipeline.shutdown_pool()
    return {
        "daemon": multiprocessing.current_process().daemon,
        "pid": os.getpid(),
        "workers": workers,
        "pages": sorted(laid_out.Part.decode(blob).pages for blob in laid.values()),
    }
