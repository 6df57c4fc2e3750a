"""The one module that reaches inside WeasyPrint, pydyf and billiard.

The long-document pipeline (pipeline.py, laid_out.py, merge.py) does what WeasyPrint does
not offer through its public API: it makes each part's PDF objects with WeasyPrint's own
PDF writer, keeps them, and merges them with pydyf and WeasyPrint's outline rules; its
layout processes are billiard's (Celery's multiprocessing). Those internals change without
notice between releases, so every use of them is here, and only on the versions the
pipeline is tested on (tests/documents/test_parallel_pdf.py) is it used. On any other
version, or when an internal cannot be found, long documents are laid out in one pass, as
short ones always are, and a log line says why: slower, never wrong.

`make pdf-newest` runs the PDF tests against the newest WeasyPrint in a throwaway venv:
the way to learn whether a new release can join TESTED.

The public API (weasyprint.HTML, DEFAULT_OPTIONS, weasyprint.urls.URLFetcher) is used by
render.py directly.
"""

import functools
import logging
from importlib.metadata import PackageNotFoundError, version

log = logging.getLogger(__name__)

# The release series (major.minor) the pipeline is tested on, per package. pyproject.toml
# pins the same series: widening one means running `make pdf-newest` and the PDF tests.
TESTED = {
    "weasyprint": ("70.0",),
    "pydyf": ("0.13",),
    "billiard": ("4.3",),
}

try:
    import billiard
    import pydyf
    from weasyprint.anchors import make_page_bookmark_tree
    from weasyprint.matrix import Matrix
    from weasyprint.pdf import VARIANTS, generate_pdf
    from weasyprint.pdf.anchors import add_outlines

    to_bytes = pydyf._to_bytes
    _missing = ""
except (ImportError, AttributeError) as error:  # an internal moved or was renamed
    _missing = f"{type(error).__name__}: {error}"


@functools.cache
def installed() -> dict[str, str]:
    """The installed version of each package of TESTED ('' when it is not installed)."""
    found = {}
    for name in TESTED:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = ""
    return found


def _series(text: str) -> str:
    return ".".join(text.split(".")[:2])


def unknown() -> str:
    """Why the pipeline cannot use these internals ('' when it can)."""
    versions = installed()
    strangers = [
        f"{name} {versions[name] or '(not installed)'}"
        for name, series in TESTED.items()
        if _series(versions[name]) not in series
    ]
    if strangers:
        return f"not tested on {', '.join(strangers)}"
    return f"an internal is missing ({_missing})" if _missing else ""


def parallel_ready() -> bool:
    """Whether long documents may be laid out in parts (the pipeline) here."""
    return not unknown()


def check() -> bool:
    """At start-up (DocumentsConfig.ready): say once, in the log, when long documents will
    be laid out in one pass because the versions are not the tested ones."""
    why = unknown()
    if why:
        log.warning("Long PDFs will be laid out in one pass: the parallel pipeline is %s", why)
    return not why


# What the pipeline uses, each behind a name of ours -----------------------------------


def page_type_name(page) -> str:
    """The name of the @page rule a laid-out page took (a private attribute of a Page)."""
    return page._page_box.page_type.name or ""


def variant_options(variant: str | None) -> dict:
    """The options a PDF variant (pdf/ua-1) sets, as write_pdf would fill them in."""
    if not variant or not parallel_ready():
        return {}
    return dict(VARIANTS[variant][1])


def spawn_pool(size: int, initializer):
    """A pool of `size` spawned processes: billiard's, since a Celery prefork worker's
    processes are daemons, and the standard library's pools refuse to start children
    from a daemon."""
    return billiard.get_context("spawn").Pool(size, initializer=initializer)


def pool_processes(pool) -> list:
    """The processes of a pool (a private list: billiard has no public one)."""
    return list(getattr(pool, "_pool", None) or [])


__all__ = [
    "Matrix",
    "add_outlines",
    "generate_pdf",
    "make_page_bookmark_tree",
    "pydyf",
    "to_bytes",
]
