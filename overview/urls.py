from django.urls import path

from overview import views

app_name = "overview"

OVERVIEW = "<str:reference>/overview"

urlpatterns = [
    path(f"{OVERVIEW}/start/", views.start, name="start"),
    path(f"{OVERVIEW}/", views.overview_detail, name="overview-detail"),
]
