from django.contrib import admin
from django.urls import include, path

from scr import guide, registry
from scr.accounts.views import admin_sign_in

admin.site.site_header = "Serious Case Reviews: administration"
admin.site.site_title = "Serious Case Reviews"
admin.site.index_title = "Boards, agencies, people and settings"
admin.site.login = admin_sign_in

urlpatterns = [
    path("", include("scr.cases.urls")),
    # The stages' pages, each under the path it registered (registry.URLCONFS), after the
    # core's own case pages.
    *[path(prefix, include(module)) for module, prefix in registry.URLCONFS.items()],
    path("account/", include("scr.accounts.urls")),
    path("deadlines/", include("scr.deadlines.urls")),
    path("admin/", admin.site.urls),
    # The user guide holds no case data: it is read without signing in.
    path("guide/", guide.guide_page, name="guide-index"),
    path("guide/<slug:slug>/", guide.guide_page, name="guide-page"),
]
