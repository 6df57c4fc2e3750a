from django.urls import path

from actionplans import implementation_views, letter_views, monitoring_views, plan_views

app_name = "actionplans"

PLANS = "<str:reference>/action-plans"
LETTER = f"{PLANS}/letters/<int:letter_id>"
PLAN = f"{PLANS}/<int:plan_id>"
ACTION = f"{PLAN}/actions/<int:action_id>"
EVIDENCE = f"{PLAN}/evidence/<int:evidence_id>"

urlpatterns = [
    path(f"{PLANS}/", letter_views.plans_overview, name="overview"),
    path(f"{PLANS}/<int:plan_id>/", plan_views.plan_detail, name="plan-detail"),
    path(f"{PLAN}/contacts/", plan_views.plan_contacts, name="plan-contacts"),
    path(f"{PLAN}/submit/", plan_views.plan_submit, name="plan-submit"),
    path(f"{PLAN}/decide/", plan_views.plan_decide, name="plan-decide"),
    path(f"{PLAN}/pdf/", plan_views.plan_pdf, name="plan-pdf"),
    path(f"{PLAN}/actions/new/", plan_views.action_new, name="action-new"),
    path(f"{PLAN}/actions/<int:action_id>/", plan_views.action_edit, name="action-edit"),
    path(f"{PLAN}/actions/<int:action_id>/remove/", plan_views.action_remove, name="action-remove"),
    # 16: carrying out the accepted plan.
    path(f"{ACTION}/progress/", implementation_views.action_detail, name="action-detail"),
    path(f"{ACTION}/progress/update/", implementation_views.action_update, name="action-update"),
    path(f"{ACTION}/evidence/", implementation_views.evidence_upload, name="evidence-upload"),
    path(f"{EVIDENCE}/", implementation_views.evidence_download, name="evidence-download"),
    path(f"{EVIDENCE}/decide/", implementation_views.evidence_decide, name="evidence-decide"),
    path(f"{PLANS}/letters/draft/", letter_views.letters_draft, name="letters-draft"),
    path(f"{LETTER}/", letter_views.letter_edit, name="letter-edit"),
    path(f"{LETTER}/send/", letter_views.letter_send, name="letter-send"),
    path(f"{LETTER}/pdf/", letter_views.letter_pdf, name="letter-pdf"),
    # The board's monitoring (16). Not 'monitoring/' alone: the case page's
    # 'cases/<reference>/' would take it first.
    path("monitoring/actions/", monitoring_views.monitoring_dashboard, name="monitoring"),
    path(
        "monitoring/actions/export.<str:fmt>",
        monitoring_views.monitoring_export,
        name="monitoring-export",
    ),
    path(
        f"{PLAN}/actions/<int:action_id>/evaluate/",
        monitoring_views.action_evaluate,
        name="action-evaluate",
    ),
    path(f"{PLANS}/monitoring/start/", monitoring_views.monitoring_start, name="monitoring-start"),
    path("<str:reference>/close/", monitoring_views.case_close, name="case-close"),
    path("<str:reference>/reopen/", monitoring_views.case_reopen, name="case-reopen"),
]
