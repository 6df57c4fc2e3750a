"""The private storage in an S3 bucket (PRIVATE_STORAGE=s3), against moto's server over
HTTP (conftest.py): uploads and rendered documents land in the bucket under random
names, are read back and downloaded through the permission-checked views with the same
headers as from the disk, count towards the case's quota, and
a missing object is a 404, not a server error. The local folder stays the default, and
the other tests of uploads keep testing it."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from panel.models import PanelMeeting, PanelMeetingAttachment
from scr import uploads
from scr.audit.models import AuditEvent
from scr.documents.models import RenderedDocument
from scr.documents.services import document_render, document_request
from tests.environment import settings_from
from tests.files import PDF
from tests.storage.conftest import s3_environment

pytestmark = pytest.mark.django_db

PUBLIC = ("http://acs.amazonaws.com/groups/global/AllUsers", "AuthenticatedUsers")


@pytest.fixture
def post_paper(post_paper, bucket):
    """tests/conftest.py's, with the private storage in the bucket."""
    return post_paper


def _paper_url(paper: PanelMeetingAttachment) -> str:
    return reverse("panel:attachment", args=[paper.meeting.case.reference, paper.pk])


# The settings ----------------------------------------------------------------------------


def test_the_settings_choose_the_bucket_from_the_environment(monkeypatch, s3_endpoint):
    loaded = settings_from(s3_environment(s3_endpoint, "the-bucket"), monkeypatch)
    private = loaded["STORAGES"]["private"]
    assert private["BACKEND"] == "storages.backends.s3.S3Storage"
    options = private["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"]) == ("the-bucket", s3_endpoint)
    assert (options["region_name"], options["location"]) == ("eu-west-2", "scr")
    # No ACL is sent (objects stay as private as the bucket); no key is in the settings.
    assert options["default_acl"] is None
    assert "access_key" not in options and "secret_key" not in options


def test_without_the_environment_the_files_stay_in_the_local_folder(monkeypatch):
    loaded = settings_from({}, monkeypatch, unset=["PRIVATE_STORAGE"])
    assert loaded["STORAGES"]["private"] == {"BACKEND": "scr.storage.PrivateFileSystemStorage"}


@pytest.mark.parametrize(
    "environment, message",
    [
        ({"PRIVATE_STORAGE": "ftp"}, "PRIVATE_STORAGE must be local or s3, not 'ftp'"),
        ({"PRIVATE_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
    ],
)
def test_a_storage_half_configured_stops_the_start(monkeypatch, environment, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        settings_from(environment, monkeypatch, unset=["AWS_STORAGE_BUCKET_NAME"])


# Storing, reading, downloading -----------------------------------------------------------


def test_a_paper_goes_to_the_bucket_under_a_random_name_and_nowhere_else(
    post_paper, objects, s3_client, bucket, settings
):
    assert post_paper("Minutes of HQM.pdf", PDF).status_code == 302
    paper = PanelMeetingAttachment.objects.get()
    assert len(paper.stored_name) == 32 + len(".pdf") and "HQM" not in paper.stored_name
    assert objects() == [f"scr/{paper.stored_name}"]
    stored = s3_client.get_object(Bucket=bucket, Key=f"scr/{paper.stored_name}")
    assert stored["Body"].read() == PDF
    # Private: the object grants nothing to anyone but the bucket's owner.
    grants = s3_client.get_object_acl(Bucket=bucket, Key=f"scr/{paper.stored_name}")["Grants"]
    assert grants and not any(
        word in grant["Grantee"].get("URI", "") for grant in grants for word in PUBLIC
    )
    assert not Path(settings.PRIVATE_FILES_ROOT).exists()
    assert uploads.read(paper.stored_name) == PDF


def test_a_paper_in_the_bucket_is_downloaded_through_the_view_as_an_attachment(
    client, post_paper, outsider
):
    post_paper("minutes.pdf", PDF)
    paper = PanelMeetingAttachment.objects.get()
    downloads = AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD)

    response = client.get(_paper_url(paper))  # the panel chair

    assert response.status_code == 200 and response.streaming
    assert response.getvalue() == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert downloads.count() == 1

    client.force_login(outsider)
    assert client.get(_paper_url(paper)).status_code == 404
    assert downloads.count() == 1


def test_an_object_missing_from_the_bucket_is_a_404_not_a_server_error(
    client, post_paper, s3_client, bucket, caplog
):
    post_paper("minutes.pdf", PDF)
    paper = PanelMeetingAttachment.objects.get()
    s3_client.delete_object(Bucket=bucket, Key=f"scr/{paper.stored_name}")

    response = client.get(_paper_url(paper))

    assert response.status_code == 404
    assert f"missing from the private storage: {paper.stored_name}" in caplog.text
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()
    with pytest.raises(FileNotFoundError):
        uploads.read(paper.stored_name)


@pytest.mark.parametrize("name", ["../secret.pdf", "scr/x.pdf", "a\\b.pdf", ""])
def test_a_name_that_is_not_a_stored_one_reads_nothing(bucket, name):
    with pytest.raises(FileNotFoundError):
        uploads.read(name)
    assert not uploads.stored(name)


def test_the_cases_quota_counts_the_files_in_the_bucket(post_paper, objects, monkeypatch):
    monkeypatch.setattr(uploads, "CASE_QUOTA_BYTES", len(PDF) * 2 + 10)
    assert post_paper("first.pdf", PDF).status_code == 302
    assert post_paper("second.pdf", PDF).status_code == 302

    response = post_paper("third.pdf", PDF)

    assert response.status_code == 400
    assert f"This case already holds {len(PDF) * 2} bytes of files" in response.content.decode()
    assert PanelMeeting.objects.count() == 2
    assert len(objects()) == 2


# Rendered documents and the storage being away ----------------------------------------------


def test_a_document_rendered_while_the_storage_is_away_waits_for_the_retry(
    case, coordinator, settings, bucket
):
    document = document_request(
        case=case, kind="case-summary", key="summary", options={}, by=coordinator
    )
    away = {**settings.STORAGES["private"]}
    # Nothing listens on port 9 of this machine: the connection is refused at once.
    away["OPTIONS"] = {**away["OPTIONS"], "endpoint_url": "http://127.0.0.1:9"}
    settings.STORAGES = {**settings.STORAGES, "private": away}

    # An OSError: the task's autoretry_for catches it (scr/documents/tasks.py).
    with pytest.raises(uploads.StorageUnavailable):
        document_render(document_id=document.pk)

    document.refresh_from_db()
    assert document.status == RenderedDocument.Status.QUEUED
