from django.urls import path

from panel import views

app_name = "panel"

urlpatterns = [
    path("<str:reference>/chair-decision/", views.chair_decision, name="chair-decision"),
    path("<str:reference>/panel/meetings/new/", views.panel_meeting_new, name="meeting-new"),
    path(
        "<str:reference>/panel/papers/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<str:reference>/panel/terms/", views.terms_of_reference_edit, name="terms-edit"),
    path("<str:reference>/media/new/", views.media_statement_new, name="media-new"),
    path("<str:reference>/panel/members/new/", views.panel_member_new, name="member-new"),
    path(
        "<str:reference>/panel/considerations/",
        views.considerations_edit,
        name="considerations",
    ),
    path("<str:reference>/panel/recommendation/", views.recommendation_new, name="recommendation"),
    path(
        "<str:reference>/records/<int:agency_id>/",
        views.records_confirm,
        name="records-confirm",
    ),
    path(
        "<str:reference>/records/<int:agency_id>/chase/",
        views.records_chase,
        name="records-chase",
    ),
]
