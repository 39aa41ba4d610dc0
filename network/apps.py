from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Netzwerk")

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed
        from django.contrib.auth.signals import user_logged_in

        email_confirmed.connect(_welcome_on_confirmation, dispatch_uid="network-welcome")
        # allauth records the sessions of its own logins; this records every other login too
        # (an accepted invitation), so deleting an account can end all of its sessions.
        user_logged_in.connect(_track_session, dispatch_uid="network-track-session")


def _welcome_on_confirmation(request, email_address, **kwargs) -> None:
    from .services import member_welcome

    member_welcome(user=email_address.user)


def _track_session(sender, request, user, **kwargs) -> None:
    from allauth.usersessions.models import UserSession

    session = getattr(request, "session", None)
    if session is None:
        return
    if not session.session_key:
        session.save()
    UserSession.objects.get_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "ip": request.META.get("REMOTE_ADDR") or "0.0.0.0",
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        },
    )
