from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from network import views as network_views
from network.views import ConfirmEmailView, LoginView

from . import views
from .sitemaps import SITEMAPS

admin.site.site_header = _("Kommune 360° – Verwaltung")
admin.site.site_title = _("Kommune 360°")
admin.site.index_title = _("Übersicht")
# The admin login goes through allauth's rate-limited login (and its two-factor step).
admin.site.login = secure_admin_login(admin.site.login)


handler500 = "k360.views.server_error"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "impressum/", TemplateView.as_view(template_name="pages/impressum.html"), name="impressum"
    ),
    path(
        "datenschutz/",
        TemplateView.as_view(template_name="pages/datenschutz.html"),
        name="datenschutz",
    ),
    path(
        "barrierefreiheit/",
        TemplateView.as_view(template_name="pages/barrierefreiheit.html"),
        name="barrierefreiheit",
    ),
    path("konto/login/", LoginView.as_view(), name="account_login"),
    path(
        "konto/confirm-email/<str:key>/",
        ConfirmEmailView.as_view(),
        name="account_confirm_email",
    ),
    path("konto/", include("allauth.urls")),
    path("netzwerk/", include("network.urls")),
    path("blog/", include("blog.urls")),
    path("veranstaltungen/", include("events.urls")),
    path("selbstcheck/", include("selfcheck.urls")),
    path(
        "sitemap.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("", include("forums.urls")),
    path("profil/", network_views.ProfileUpdateView.as_view(), name="profile"),
    path("profil/daten/", network_views.my_data, name="my-data"),
    path("profil/loeschen/", network_views.account_delete, name="account-delete"),
    path("admin/", admin.site.urls),
    # Sections whose apps land with later issues: a friendly page instead of a 404.
    path("suche/", views.SearchView.as_view(), name="search"),
    path("newsletter/", include("newsletters.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
