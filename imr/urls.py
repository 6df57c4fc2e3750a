from django.urls import path

from imr import chronology_views, draft_views, s45_views, views

app_name = "imr"

IMR = "<str:reference>/imrs/<int:agency_id>"
S45 = "<str:reference>/s45/<int:request_id>"

urlpatterns = [
    path("<str:reference>/imrs/commission/", views.commission, name="commission"),
    path(f"{IMR}/", views.imr_detail, name="imr-detail"),
    path(f"{IMR}/nominate/", views.nominate, name="nominate"),
    path(f"{IMR}/appraisal/", views.appraisal, name="appraisal"),
    path(f"{IMR}/submit/<str:part>/", views.submit_part, name="submit"),
    path(f"{IMR}/versions/<int:number>/", views.version_detail, name="version"),
    path(f"{IMR}/preview/", views.draft_preview, name="preview"),
    path(f"{IMR}/countersign/", views.countersign, name="countersign"),
    path(f"{IMR}/panel-review/", views.panel_review, name="panel-review"),
    path(f"{IMR}/section-12/", views.concern_new, name="concern-new"),
    path(f"{IMR}/history/", views.history, name="history"),
    path(f"{IMR}/history/<int:revision_id>/", views.revision_detail, name="revision"),
    path(f"{IMR}/report.pdf", views.pdf, name="pdf"),
    path(f"{IMR}/sections/<str:key>/", draft_views.section_edit, name="section-edit"),
    path(f"{IMR}/family/new/", draft_views.person_edit, name="person-new"),
    path(f"{IMR}/family/<str:person_id>/", draft_views.person_edit, name="person-edit"),
    path(f"{IMR}/recommendations/new/", draft_views.recommendation_edit, name="recommendation-new"),
    path(
        f"{IMR}/recommendations/<str:rec_id>/",
        draft_views.recommendation_edit,
        name="recommendation-edit",
    ),
    path(f"{IMR}/chronology/", chronology_views.chronology, name="chronology"),
    path(f"{IMR}/chronology/import/", chronology_views.chronology_import, name="chronology-import"),
    path(
        f"{IMR}/chronology/export.<str:fmt>",
        chronology_views.chronology_export,
        name="chronology-export",
    ),
    path(f"{IMR}/chronology/<int:entry_id>/", chronology_views.entry_edit, name="entry-edit"),
    path(f"{IMR}/chronology/<int:entry_id>/move/", chronology_views.entry_move, name="entry-move"),
    path(f"{IMR}/glossary/", draft_views.glossary, name="glossary"),
    path(f"{IMR}/checks/", draft_views.checks, name="checks"),
    # Requests for information under section 45 of the Care Act 2014 (SARs).
    path("<str:reference>/s45/", s45_views.register, name="s45-register"),
    path("<str:reference>/s45/new/", s45_views.request_new, name="s45-new"),
    path(f"{S45}/", s45_views.request_detail, name="s45-detail"),
    path(f"{S45}/reply/", s45_views.reply, name="s45-reply"),
    path(f"{S45}/escalate/", s45_views.escalate, name="s45-escalate"),
    path(f"{S45}/files/<int:file_id>/", s45_views.reply_file, name="s45-file"),
]
