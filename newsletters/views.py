from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import DetailView, FormView, ListView, TemplateView

from forums.markdown import render_editorial_markdown

from . import services, tokens
from .forms import ResendForm, SubscribeForm, TopicsForm
from .models import Newsletter, Subscriber, normalise_email

# Each signup or resend sends a mail: a visitor's address may ask for this many an hour …
SIGNUPS_PER_IP_PER_HOUR = 10
# … and one address gets at most this many confirmation mails a day, whoever asks.
MAILS_PER_ADDRESS_PER_DAY = 5


def _over_limit(key: str, limit: int, seconds: int) -> bool:
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr: a fresh window
        cache.set(key, 1, timeout=seconds)
        return False


def _ip_limited(request: HttpRequest) -> bool:
    ip = request.META.get("REMOTE_ADDR") or "unbekannt"
    return _over_limit(f"newsletter-signup:ip:{ip}", SIGNUPS_PER_IP_PER_HOUR, 3600)


def _address_limited(email: str) -> bool:
    key = f"newsletter-signup:email:{normalise_email(email)}"
    return _over_limit(key, MAILS_PER_ADDRESS_PER_DAY, 86400)


def _too_many(request: HttpRequest) -> HttpResponse:
    message = _(
        "Von Ihrem Anschluss kamen in der letzten Stunde zu viele Anmeldungen. "
        "Bitte versuchen Sie es später noch einmal."
    )
    return render(request, "429.html", {"message": message}, status=429)


class SubscribeView(FormView):
    """The signup form; the answer is the same whether or not the address is on the list."""

    form_class = SubscribeForm
    template_name = "newsletters/subscribe_form.html"
    success_url = reverse_lazy("newsletters:subscribe-done")
    extra_context = {"consent_version": services.CONSENT_VERSION}

    def post(self, request, *args, **kwargs):
        if _ip_limited(request):
            return _too_many(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        # Past the limit the address gets no further mail, and the visitor the same answer.
        if not _address_limited(data["email"]):
            services.subscription_request(
                email=data["email"],
                name=data["name"],
                topics=form.selected_topics(),
                source=self.request.build_absolute_uri(),
            )
        return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class SubscribeDoneView(TemplateView):
    template_name = "newsletters/subscribe_done.html"


def _link_problem(request: HttpRequest, *, message: str, status: int, email: str = ""):
    return render(
        request,
        "newsletters/link_problem.html",
        {"message": message, "form": ResendForm(initial={"email": email})},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: GET asks (mail scanners follow links), the button's POST confirms.
    A confirmed address sees the done page again; nothing changes on a second visit."""
    try:
        email = tokens.email_from_confirm_token(token)
    except signing.SignatureExpired:
        # The signature is good, only too old: the address may prefill the new request.
        email = signing.loads(token, salt=tokens.CONFIRM_SALT)
        return _link_problem(
            request,
            message=_(
                "Der Link ist abgelaufen (er gilt 7 Tage). Fordern Sie einfach einen neuen an."
            ),
            status=410,
            email=email,
        )
    except signing.BadSignature:
        return _link_problem(
            request,
            message=_(
                "Der Link ist unvollständig oder verändert. Bitte kopieren Sie ihn vollständig "
                "aus der E-Mail oder fordern Sie einen neuen an."
            ),
            status=400,
        )
    subscriber = Subscriber.objects.filter(email=normalise_email(email)).first()
    if request.method == "GET" and subscriber and subscriber.status == Subscriber.Status.PENDING:
        return render(request, "newsletters/confirm_ask.html", {"subscriber": subscriber})
    try:
        subscriber = services.subscription_confirm(email=email)
    except ValidationError as error:
        return render(
            request,
            "newsletters/link_problem.html",
            {"message": error.messages[0], "subscribe_again": True},
            status=410,
        )
    return render(
        request,
        "newsletters/confirm_done.html",
        {"subscriber": subscriber, "manage_url": subscriber.manage_url()},
    )


class ResendView(FormView):
    """A new confirmation link; the answer never tells whether the address is known."""

    form_class = ResendForm
    template_name = "newsletters/resend_form.html"
    success_url = reverse_lazy("newsletters:subscribe-done")

    def post(self, request, *args, **kwargs):
        if _ip_limited(request):
            return _too_many(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not _address_limited(email):
            services.subscription_resend(email=email)
        return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


def _bad_manage_link(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "newsletters/link_problem.html",
        {
            "message": _(
                "Der Link ist unvollständig oder verändert. Bitte nutzen Sie den Link aus einem "
                "unserer Newsletter vollständig."
            ),
            "subscribe_again": True,
        },
        status=400,
    )


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind every newsletter's personal link: status, topics, unsubscribing."""
    try:
        email = tokens.email_from_unsubscribe_token(token)
    except signing.BadSignature:
        return _bad_manage_link(request)
    subscriber = Subscriber.objects.filter(email=email).prefetch_related("topics").first()
    confirmed = subscriber is not None and subscriber.status == Subscriber.Status.CONFIRMED
    topics_form = None
    if confirmed:
        topics_form = TopicsForm(initial={"topics": list(subscriber.topics.all())})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "abmelden":
            services.unsubscribe(email=email)
            messages.success(
                request, _("Sie sind abgemeldet und erhalten keinen Newsletter mehr von uns.")
            )
            return redirect(request.path)
        if action == "themen" and confirmed:
            topics_form = TopicsForm(request.POST)
            if topics_form.is_valid():
                services.topics_update(subscriber=subscriber, topics=topics_form.selected_topics())
                messages.success(request, _("Ihre Themen sind gespeichert."))
                return redirect(request.path)
        return render(
            request,
            "newsletters/manage.html",
            {"email": email, "subscriber": subscriber, "topics_form": topics_form},
            status=400,
        )
    return render(
        request,
        "newsletters/manage.html",
        {"email": email, "subscriber": subscriber, "topics_form": topics_form},
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def one_click(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 8058: the mail client POSTs here without cookies or a form; a person who opens the
    address in a browser lands on the page to manage the subscription instead."""
    try:
        email = tokens.email_from_unsubscribe_token(token)
    except signing.BadSignature:
        if request.method == "POST":
            return HttpResponse(
                _("Ungültiger Link."), status=400, content_type="text/plain; charset=utf-8"
            )
        return _bad_manage_link(request)
    if request.method != "POST":
        return redirect("newsletters:manage", token=token)
    services.unsubscribe(email=email)
    return HttpResponse(
        _("Sie sind vom Newsletter abgemeldet."), content_type="text/plain; charset=utf-8"
    )


@require_POST
@login_required
def member_subscribe(request: HttpRequest) -> HttpResponse:
    """One click on the profile: the member's address is verified already."""
    try:
        services.member_subscribe(user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Sie erhalten ab jetzt den Newsletter."))
    return redirect("profile")


class NewsletterArchiveView(ListView):
    template_name = "newsletters/newsletter_list.html"
    context_object_name = "issues"
    paginate_by = 20
    page_kwarg = "seite"

    def get_queryset(self):
        return Newsletter.objects.archived()


class NewsletterDetailView(DetailView):
    """An issue in the site's layout (not the mail's): no personal link in it."""

    template_name = "newsletters/newsletter_detail.html"

    def get_queryset(self):
        return Newsletter.objects.archived()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            body_html=render_editorial_markdown(self.object.body), **kwargs
        )


# The names urls.py refers to.
subscribe = SubscribeView.as_view()
subscribe_done = SubscribeDoneView.as_view()
resend = ResendView.as_view()
archive = NewsletterArchiveView.as_view()
archive_detail = NewsletterDetailView.as_view()
