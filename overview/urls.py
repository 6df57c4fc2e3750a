from django.urls import path

from overview import chronology_views, family_views, receipt_views, summary_views, views

app_name = "overview"

OVERVIEW = "<str:reference>/overview"

urlpatterns = [
    path(f"{OVERVIEW}/start/", views.start, name="start"),
    path(f"{OVERVIEW}/", views.overview_detail, name="overview-detail"),
    path(f"{OVERVIEW}/sections/<str:key>/", views.section_edit, name="section-edit"),
    path(f"{OVERVIEW}/findings/", views.findings, name="findings"),
    path(f"{OVERVIEW}/findings/new/", views.finding_edit, name="finding-new"),
    path(f"{OVERVIEW}/findings/<int:finding_id>/", views.finding_edit, name="finding-edit"),
    path(
        f"{OVERVIEW}/findings/<int:finding_id>/remove/",
        views.finding_remove,
        name="finding-remove",
    ),
    path(f"{OVERVIEW}/recommendations/", views.recommendations, name="recommendations"),
    path(
        f"{OVERVIEW}/recommendations/new/",
        views.recommendation_edit,
        name="recommendation-new",
    ),
    path(
        f"{OVERVIEW}/recommendations/<int:recommendation_id>/",
        views.recommendation_edit,
        name="recommendation-edit",
    ),
    path(
        f"{OVERVIEW}/recommendations/<int:recommendation_id>/remove/",
        views.recommendation_remove,
        name="recommendation-remove",
    ),
    path(f"{OVERVIEW}/submit/", views.submit, name="submit"),
    path(f"{OVERVIEW}/report.pdf", views.pdf, name="pdf"),
    # 13.4 f: the merged inter-agency chronology.
    path(f"{OVERVIEW}/chronology/", chronology_views.chronology, name="chronology"),
    path(
        f"{OVERVIEW}/chronology.<str:fmt>",
        chronology_views.chronology_export,
        name="chronology-export",
    ),
    path(f"{OVERVIEW}/chronology/duplicates/", chronology_views.duplicates, name="duplicates"),
    path(
        f"{OVERVIEW}/chronology/entries/<int:entry_id>/link/",
        chronology_views.entry_link,
        name="entry-link",
    ),
    path(
        f"{OVERVIEW}/chronology/entries/<int:entry_id>/unlink/",
        chronology_views.entry_unlink,
        name="entry-unlink",
    ),
    path(f"{OVERVIEW}/chronology/timeline/", chronology_views.timeline, name="timeline"),
    path(f"{OVERVIEW}/family/", family_views.family, name="family"),
    path(f"{OVERVIEW}/family/merge/", family_views.family_merge, name="family-merge"),
    path(f"{OVERVIEW}/family/not-same/", family_views.family_not_same, name="family-not-same"),
    path(
        f"{OVERVIEW}/family/<int:member_id>/",
        family_views.family_member_edit,
        name="family-member-edit",
    ),
    path(f"{OVERVIEW}/receipt/", receipt_views.receipt_page, name="receipt"),
    path(
        f"{OVERVIEW}/receipt/contributors/<int:agency_id>/",
        receipt_views.response_edit,
        name="response-edit",
    ),
    path(f"{OVERVIEW}/receipt/<str:key>/", receipt_views.item_record, name="receipt-item"),
    path("<str:reference>/executive-summary/", summary_views.summary_page, name="summary"),
    path(
        "<str:reference>/executive-summary/start/",
        summary_views.summary_start,
        name="summary-start",
    ),
    path(
        "<str:reference>/executive-summary/edit/", summary_views.summary_edit, name="summary-edit"
    ),
    path(
        "<str:reference>/executive-summary/waive/",
        summary_views.summary_waive,
        name="summary-waive",
    ),
    path(
        "<str:reference>/executive-summary/send/", summary_views.summary_send, name="summary-send"
    ),
    path(
        "<str:reference>/executive-summary/panel/",
        summary_views.summary_panel,
        name="summary-panel",
    ),
    path(
        "<str:reference>/executive-summary/approve/",
        summary_views.summary_approve,
        name="summary-approve",
    ),
    path(
        "<str:reference>/executive-summary/withdraw/",
        summary_views.summary_withdraw,
        name="summary-withdraw",
    ),
    path(
        "<str:reference>/executive-summary/recipients/",
        summary_views.recipient_add,
        name="summary-recipient-add",
    ),
    path(
        "<str:reference>/executive-summary/recipients/<int:recipient_id>/remove/",
        summary_views.recipient_remove,
        name="summary-recipient-remove",
    ),
    path(
        "<str:reference>/executive-summary/summary.pdf",
        summary_views.summary_pdf,
        name="summary-pdf",
    ),
]
