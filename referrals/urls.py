from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="referral-list"),
    path("new/", views.referral_new, name="referral-new"),
    path("<int:referral_id>/", views.referral_detail, name="referral-detail"),
    path("<int:referral_id>/edit/", views.referral_edit, name="referral-edit"),
]
