"""What is inside an upload (scr.upload_content, through scr.uploads.check_upload): the
first bytes are not enough. A PDF with JavaScript, a launch action, embedded files or an
open action, a Word or Excel file with macros, OLE objects or ActiveX controls, and a
file that does not parse as its kind are refused on the real upload forms, with a
message that says what to do and nothing kept; an image is saved again, so what was
glued on after it (an HTML page) and its metadata are gone."""

import html
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from actionplans.models import Evidence
from panel.models import PanelMeeting, PanelMeetingAttachment
from scr import upload_content, uploads
from tests.actionplans.conftest import lead_c, planning  # noqa: F401
from tests.actionplans.test_closure import accepted_plans
from tests.files import (
    DOCX,
    JPEG,
    OLE,
    PDF,
    PNG,
    XLSX,
    goto_first_page,
    image,
    js_action,
    office,
    pdf,
    pdf_with_attachment,
)
from tests.imr.conftest import commissioned  # noqa: F401
from tests.overview.conftest import (  # noqa: F401
    received,
    reviews_accepted,
    started,
    submitted,
    written,
)

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SCRIPT_MESSAGE = (
    "The file ‘{name}’ contains JavaScript. Save it again without scripts (for example "
    "print it to PDF) and upload that."
)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return tmp_path / "private"


def _stored(private_root) -> list:
    return list(private_root.iterdir()) if private_root.exists() else []


def _launch() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("cmd.exe"),
        }
    )


def _escaped(data: bytes) -> bytes:
    """The same PDF with its names written with #-escapes, as a reader decodes them and a
    search of the raw bytes does not find them (pypdf repairs the shifted offsets)."""
    return data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")


MACRO_CONTENT_TYPES = {
    "docm": "application/vnd.ms-word.document.macroEnabled.main+xml",
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
}

REFUSED = [
    # name, data, code, what the page says
    (
        "agenda.pdf",
        pdf(catalog={"/OpenAction": js_action()}),
        "active",
        SCRIPT_MESSAGE.format(name="agenda.pdf"),
    ),
    (
        "agenda.pdf",
        _escaped(pdf(catalog={"/OpenAction": js_action()})),
        "active",
        SCRIPT_MESSAGE.format(name="agenda.pdf"),
    ),
    (
        "agenda.pdf",
        pdf(catalog={"/Names": DictionaryObject({NameObject("/JavaScript"): js_action()})}),
        "active",
        SCRIPT_MESSAGE.format(name="agenda.pdf"),
    ),
    ("agenda.pdf", pdf(catalog={"/OpenAction": _launch()}), "active", "tries to start another"),
    ("agenda.pdf", pdf_with_attachment(), "active", "has other files embedded in it"),
    (
        "agenda.pdf",
        pdf(
            catalog={
                "/OpenAction": DictionaryObject(
                    {
                        NameObject("/S"): NameObject("/URI"),
                        NameObject("/URI"): TextStringObject("https://evil.example/"),
                    }
                )
            }
        ),
        "active",
        "runs an action when it is opened",
    ),
    ("agenda.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "damaged", "damaged"),
    ("agenda.pdf", PDF[: len(PDF) // 2], "damaged", "could not be read as a PDF"),
    (
        "notes.docx",
        office("docx", parts=[("word/vbaProject.bin", OLE)]),
        "active",
        "The file ‘notes.docx’ contains macros. Save it again as an ordinary Word document "
        "(.docx), without macros, and upload that.",
    ),
    (
        "notes.docx",
        office("docx", main_type=MACRO_CONTENT_TYPES["docm"]),
        "active",
        "contains macros",
    ),
    (
        "budget.xlsx",
        office("xlsx", main_type=MACRO_CONTENT_TYPES["xlsm"]),
        "active",
        "Save it again as an ordinary Excel workbook (.xlsx), without macros",
    ),
    (
        "budget.xlsx",
        office("xlsx", parts=[("xl/macrosheets/sheet1.xml", "<x/>")]),
        "active",
        "contains macros",
    ),
    (
        "notes.docx",
        office("docx", parts=[("word/activeX/activeX1.xml", "<x/>")]),
        "active",
        "contains embedded objects or controls (OLE or ActiveX)",
    ),
    (
        "notes.docx",
        office("docx", parts=[("word/embeddings/oleObject1.bin", OLE)]),
        "active",
        "contains embedded objects or controls",
    ),
    ("notes.docx", office("docx", types="<html/>"), "damaged", "could not be read as a Word"),
    (
        "notes.docx",
        office("docx", parts=[("word/media/picture.dat", OLE)]),  # OLE by content
        "active",
        "contains embedded objects or controls",
    ),
    (
        "notes.docx",
        office("docx", types="<Types><Default"),  # content types cut short
        "damaged",
        "could not be read as a Word document",
    ),
    ("photo.png", PNG[:30], "damaged", "could not be read as a PNG image"),
    ("photo.jpg", JPEG[:40], "damaged", "could not be read as a JPEG image"),
]


@pytest.mark.parametrize(
    "name, data, code, message", REFUSED, ids=[f"{i}-{r[0]}" for i, r in enumerate(REFUSED)]
)
def test_what_runs_or_does_not_parse_is_refused(name, data, code, message):
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(SimpleUploadedFile(name, data))
    assert refused.value.code == code
    assert message in refused.value.messages[0]


@pytest.mark.parametrize(
    "name, data, message",
    [
        (
            "agenda.pdf",
            pdf(catalog={"/OpenAction": js_action()}),
            SCRIPT_MESSAGE.format(name="agenda.pdf"),
        ),
        ("agenda.pdf", pdf(catalog={"/OpenAction": _launch()}), "tries to start another"),
        ("agenda.pdf", pdf_with_attachment(), "has other files embedded in it"),
        ("notes.docx", office("docx", parts=[("word/vbaProject.bin", OLE)]), "contains macros"),
        ("notes.docx", office("docx", types="<Types><Default"), "could not be read as a Word"),
    ],
)
def test_the_meeting_paper_form_refuses_them_and_keeps_nothing(
    post_paper, private_root, name, data, message
):
    response = post_paper(name, data)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page  # the GOV.UK error summary
    assert page.count(message) == 2  # in the summary and at the field
    assert not PanelMeeting.objects.exists() and not PanelMeetingAttachment.objects.exists()
    assert _stored(private_root) == []


def test_the_evidence_form_refuses_a_document_with_macros(
    client,
    planning,  # noqa: F811
    lead_c,  # noqa: F811
    chair,
    coordinator,
    private_root,
):
    plans = accepted_plans(planning, chair, coordinator, lead_c)
    plan = next(p for name, p in plans.items() if name)
    action = plan.actions.first()
    client.force_login(lead_c)
    url = reverse("actionplans:evidence-upload", args=[planning.reference, plan.pk, action.pk])
    upload = SimpleUploadedFile(
        "records.docx", office("docx", parts=[("word/vbaProject.bin", OLE)])
    )
    response = client.post(url, {"description": "Attendance records", "upload": upload})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page
    assert "The file ‘records.docx’ contains macros" in page
    assert "Attendance records" in page  # what was typed is kept
    assert not Evidence.objects.exists()
    assert _stored(private_root) == []


# What passes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        PDF,
        pdf(catalog={"/OpenAction": goto_first_page()}),  # a page to open at, not an action
        pdf(
            catalog={
                "/OpenAction": DictionaryObject(
                    {NameObject("/S"): NameObject("/GoTo"), NameObject("/D"): goto_first_page()}
                )
            }
        ),
    ],
)
def test_an_ordinary_pdf_is_kept_as_it_is(data):
    assert uploads.check_upload(SimpleUploadedFile("a.pdf", data)).data == data


def test_a_pdf_the_service_made_itself_passes():
    from scr.documents.render import Document, render_pdf

    made = render_pdf(
        Document(
            template="documents/base.html",
            title="Evidence of an action carried out",
            classification="OFFICIAL",
            case_reference="-",
        )
    )
    assert uploads.check_upload(SimpleUploadedFile("letter.pdf", made)).data == made


@pytest.mark.parametrize("data", [DOCX, XLSX, office("docx", parts=[("word/media/a.png", PNG)])])
def test_ordinary_word_and_excel_files_are_kept_as_they_are(data):
    assert uploads.check_upload(SimpleUploadedFile("a.docx", data)).data == data


def test_a_png_followed_by_html_is_kept_as_the_image_alone(post_paper, private_root):
    response = post_paper("chart.png", PNG + HTML)
    assert response.status_code == 302
    paper = PanelMeetingAttachment.objects.get()
    kept = (private_root / paper.stored_name).read_bytes()
    assert b"<script" not in kept and b"html" not in kept.lower()
    assert paper.size == len(kept)
    with Image.open(io.BytesIO(kept)) as saved, Image.open(io.BytesIO(PNG)) as sent:
        assert saved.format == "PNG" and saved.size == sent.size
        assert saved.tobytes() == sent.tobytes()


def test_a_jpegs_metadata_is_dropped_and_its_pixels_kept():
    exif = Image.Exif()
    exif[0x010F] = "Fictional camera maker"  # Make
    exif[0x8298] = "Copyright Ada Example"  # Copyright
    sent = image("jpeg", size=(16, 8), exif=exif, comment=b"<script>alert(1)</script>")
    kept = uploads.check_upload(SimpleUploadedFile("photo.jpg", sent + HTML)).data
    assert b"Fictional camera" not in kept and b"<script" not in kept
    with Image.open(io.BytesIO(kept)) as saved:
        assert saved.format == "JPEG" and saved.size == (16, 8)
        assert not saved.getexif() and "comment" not in saved.info


def test_a_photo_stays_the_right_way_up():
    exif = Image.Exif()
    exif[upload_content.ORIENTATION] = 6  # turned 90° clockwise to be viewed
    sent = image("jpeg", size=(16, 8), exif=exif)
    with Image.open(io.BytesIO(uploads.check_upload(SimpleUploadedFile("p.jpg", sent)).data)) as i:
        assert i.size == (8, 16)


def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded(monkeypatch):
    monkeypatch.setattr(upload_content, "MAX_PIXELS", 11)
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(SimpleUploadedFile("big.png", image("png", size=(4, 3))))
    assert refused.value.messages == [
        "The image ‘big.png’ is too large (4 × 3 pixels). Make it smaller and upload that."
    ]


def test_a_pdf_of_too_many_objects_is_refused_before_they_are_read(monkeypatch):
    monkeypatch.setattr(upload_content, "MAX_PDF_OBJECTS", 3)
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(SimpleUploadedFile("long.pdf", PDF))
    assert refused.value.messages[0].startswith("The file ‘long.pdf’ has too many parts (4)")
