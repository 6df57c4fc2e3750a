import pytest
from django.urls import reverse

from scr.audit.models import AppendOnlyError, AuditEvent, ChangeRecord
from scr.audit.services import audit_record, change_record

pytestmark = pytest.mark.django_db


def test_audit_rows_cannot_be_changed_or_deleted(coordinator, case):
    event = audit_record(action="view", actor=coordinator, obj=case)
    event.detail = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


def test_audit_rows_name_the_object_not_its_content(coordinator, case):
    event = audit_record(action="view", actor=coordinator, obj=case)
    assert (event.object_type, event.object_id, event.object_label) == (
        "case",
        str(case.pk),
        case.reference,
    )
    assert event.board == case.board


def test_admin_shows_audit_rows_read_only(client, coordinator, case, django_user_model):
    audit_record(action="view", actor=coordinator, obj=case)
    client.force_login(coordinator)
    changelist = reverse("admin:audit_auditevent_changelist")
    assert client.get(changelist).status_code == 200
    event = AuditEvent.objects.first()
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    response = client.post(
        reverse("admin:audit_auditevent_change", args=[event.pk]), {"detail": "tampered"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


def test_coordinator_sees_only_their_boards_audit_rows(
    client, coordinator, other_coordinator, case
):
    audit_record(action="view", actor=coordinator, obj=case)
    client.force_login(other_coordinator)
    response = client.get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 200
    assert case.reference not in response.content.decode()


def test_change_records_cannot_be_changed_or_deleted(coordinator, case):
    (record,) = change_record(
        obj=case,
        by=coordinator,
        board=case.board,
        case_id=case.pk,
        before={"note": "a"},
        after={"note": "b"},
    )
    record.after = "tampered"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        ChangeRecord.objects.filter(pk=record.pk).update(after="tampered")
    with pytest.raises(AppendOnlyError):
        ChangeRecord.objects.all().delete()
    assert ChangeRecord.objects.get(pk=record.pk).after == "b"


def test_an_unchanged_save_records_no_change(coordinator, case):
    same = {"text": "x", "terms": [1, 2], "flag": False}
    assert (
        change_record(
            obj=case, by=coordinator, board=case.board, case_id=case.pk, before=same, after=same
        )
        == []
    )
    assert not ChangeRecord.objects.exists()
