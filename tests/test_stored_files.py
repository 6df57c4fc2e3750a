"""The one shape of an uploaded file's row (scr.uploads.StoredFile, keep): every stage's
model of uploaded files has the same columns, filled and served the same way."""

import pytest

from scr import registry, uploads
from tests.factories import UserFactory
from tests.files import PDF

COLUMNS = ["original_name", "stored_name", "content_type", "size", "uploaded_by", "uploaded_at"]


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return tmp_path / "private"


def test_every_model_of_uploaded_files_is_a_stored_file():
    models = [model for model, _ in registry.CASE_FILES.values()]
    assert len(models) >= 2
    for model in models:
        assert issubclass(model, uploads.StoredFile), model
        fields = {f.name: f for f in model._meta.get_fields()}
        assert set(COLUMNS) <= set(fields), model
        assert fields["stored_name"].unique and fields["original_name"].max_length == 255


@pytest.mark.django_db
def test_keep_stores_the_data_under_a_random_name_and_gives_the_row_its_columns(private_root):
    by = UserFactory()
    checked = uploads.CheckedFile("pdf", "application/pdf", "Minutes of 3 June.pdf", PDF)
    fields = uploads.keep(checked, by=by)
    assert list(fields) == [c for c in COLUMNS if c != "uploaded_at"]
    assert fields["original_name"] == "Minutes of 3 June.pdf"
    assert fields["content_type"] == "application/pdf"
    assert fields["size"] == len(PDF)
    assert fields["uploaded_by"] == by
    name = fields["stored_name"]
    assert uploads.is_stored_name(name) and name.endswith(".pdf") and "Minutes" not in name
    assert (private_root / name).read_bytes() == PDF
    assert uploads.keep(checked, by=by)["stored_name"] != name


@pytest.mark.django_db
def test_a_stored_file_downloads_under_the_name_it_was_given(private_root):
    model = next(iter(registry.CASE_FILES.values()))[0]
    checked = uploads.CheckedFile("pdf", "application/pdf", "Agenda, ‘final’.pdf", PDF)
    row = model(**uploads.keep(checked, by=UserFactory()))
    response = row.download_response()
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=UTF-8''Agenda%2C%20%E2%80%98final%E2%80%99.pdf"
        in (response["Content-Disposition"])
    )
    assert response["Cache-Control"] == "no-store"
