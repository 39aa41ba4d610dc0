from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _


class StaffTwoFactorMiddleware:
    """When K360_MFA_REQUIRED_FOR_STAFF is on, staff set up TOTP before entering the admin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.K360_MFA_REQUIRED_FOR_STAFF
            and request.path.startswith("/admin/")
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request,
                _(
                    "Bitte richten Sie die Zwei-Faktor-Anmeldung ein, "
                    "bevor Sie den Adminbereich nutzen."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """Django's 405 (require_POST, a view without get()) has an empty body: give it a German
    page that says what happened, keeping the status and the Allow header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response
        page = render(request, "405.html", status=405)
        if "Allow" in response:
            page["Allow"] = response["Allow"]
        return page
