"""The project's pages plus the floor: a view that returns a constant, behind the same
middleware (sessions, two-factor, audit), so the load test can show how far each page
is from what this machine does for any Django page."""

from django.http import HttpResponse
from django.urls import path

from scr.urls import urlpatterns as service_urlpatterns


def floor(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *service_urlpatterns]
