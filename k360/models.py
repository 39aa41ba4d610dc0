from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingEmailQuerySet(models.QuerySet):
    def queued(self) -> "OutgoingEmailQuerySet":
        return self.filter(state=OutgoingEmail.State.QUEUED)


class OutgoingEmail(models.Model):
    """A transactional email, stored in the sender's transaction and sent by a task.

    The row outlives a broker outage: a periodic task re-queues what is still unsent, so an
    email written while Redis is down goes out once it is back.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("wartet")
        SENT = "sent", _("versendet")
        FAILED = "failed", _("fehlgeschlagen")

    created_at = models.DateTimeField(_("erstellt"), auto_now_add=True)
    sent_at = models.DateTimeField(_("versendet am"), null=True, blank=True)
    state = models.CharField(_("Status"), max_length=10, choices=State, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    template = models.CharField(_("Vorlage"), max_length=200)
    from_email = models.CharField(_("Absender"), max_length=254)
    to = models.JSONField(_("Empfänger:innen"))
    reply_to = models.JSONField(_("Antwort an"), default=list, blank=True)
    subject = models.CharField(_("Betreff"), max_length=300)
    body_text = models.TextField(_("Text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("Kopfzeilen"), default=dict, blank=True)
    attachments = models.JSONField(_("Anhänge"), default=list, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("ausgehende E-Mail")
        verbose_name_plural = _("ausgehende E-Mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
