from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Netzwerk")

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed

        email_confirmed.connect(_welcome_on_confirmation, dispatch_uid="network-welcome")


def _welcome_on_confirmation(request, email_address, **kwargs) -> None:
    from .services import member_welcome

    member_welcome(user=email_address.user)
