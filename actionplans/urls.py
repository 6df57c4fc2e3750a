from django.urls import path

from actionplans import letter_views, plan_views

app_name = "actionplans"

PLANS = "<str:reference>/action-plans"
LETTER = f"{PLANS}/letters/<int:letter_id>"
PLAN = f"{PLANS}/<int:plan_id>"

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
    path(f"{PLANS}/letters/draft/", letter_views.letters_draft, name="letters-draft"),
    path(f"{LETTER}/", letter_views.letter_edit, name="letter-edit"),
    path(f"{LETTER}/send/", letter_views.letter_send, name="letter-send"),
    path(f"{LETTER}/pdf/", letter_views.letter_pdf, name="letter-pdf"),
]
