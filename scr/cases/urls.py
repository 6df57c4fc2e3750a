from django.urls import path

from scr.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list, name="case-list"),
    # The case page takes its decisions by POST to itself: after an error, a reload
    # or the back button still lands on the case page.
    path("cases/<str:reference>/", views.case_detail, name="case-detail"),
    path(
        "cases/<str:reference>/documents/<slug:kind>.pdf",
        views.case_document,
        name="case-document",
    ),
]
