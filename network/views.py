from itertools import groupby

from allauth.account import views as allauth_views
from django.views.generic import DetailView, TemplateView

from .models import Municipality, Organisation


class NetworkView(TemplateView):
    template_name = "network/network.html"

    def get_context_data(self, **kwargs):
        partners = Municipality.objects.partners().order_by("bundesland", "name")
        by_land = [
            (municipalities[0].get_bundesland_display(), municipalities)
            for _, group in groupby(partners, key=lambda m: m.bundesland)
            if (municipalities := list(group))
        ]
        by_land.sort(key=lambda pair: pair[0])
        return super().get_context_data(
            by_land=by_land,
            partner_count=len(partners),
            organisations=Organisation.objects.filter(is_sponsor=True),
            **kwargs,
        )


class MunicipalityDetailView(DetailView):
    model = Municipality
    template_name = "network/municipality_detail.html"


class ConfirmEmailView(allauth_views.ConfirmEmailView):
    """allauth's confirmation page, answering 404 for an expired or tampered link."""

    def get(self, *args, **kwargs):
        response = super().get(*args, **kwargs)
        if getattr(self, "object", None) is None and response.status_code == 200:
            response.status_code = 404
        return response


class LoginView(allauth_views.LoginView):
    """allauth's login; a rate-limited attempt answers 429 Too Many Requests."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        codes = {error.code for errors in form.errors.as_data().values() for error in errors}
        if "too_many_login_attempts" in codes:
            response.status_code = 429
        return response
