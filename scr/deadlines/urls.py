from django.urls import path

from scr.deadlines import views

app_name = "deadlines"

urlpatterns = [
    path("", views.my_deadlines, name="my-deadlines"),
    path("board/", views.board_deadlines, name="board-deadlines"),
    path("compliance/", views.compliance_report, name="compliance"),
    path("settings/", views.reminder_settings, name="settings"),
    path("settings/calendar/", views.calendar_feed_create, name="calendar-create"),
    path("settings/calendar/revoke/", views.calendar_feed_revoke, name="calendar-revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("<int:deadline_id>/extend/", views.extension_request, name="extension-request"),
    path("extensions/<int:extension_id>/", views.extension_decide, name="extension-decide"),
]
