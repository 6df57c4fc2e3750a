from django.urls import path

from actionplans import letter_views, plan_views

app_name = "actionplans"

PLANS = "<str:reference>/action-plans"

urlpatterns = [
    path(f"{PLANS}/", letter_views.plans_overview, name="overview"),
    path(f"{PLANS}/<int:plan_id>/", plan_views.plan_detail, name="plan-detail"),
]
