import json
from itertools import groupby

from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import DetailView, FormView, ListView, TemplateView, UpdateView
from taggit.models import Tag

from . import services
from .forms import (
    ApplicationForm,
    ContactForm,
    DeleteAccountForm,
    DirectoryFilterForm,
    InvitationForm,
    ProfileForm,
)
from .maps import germany_map_svg, outline_attribution
from .models import Municipality, Organisation, User


class NetworkView(TemplateView):
    template_name = "network/network.html"

    def get_context_data(self, **kwargs):
        partners = list(Municipality.objects.partners().order_by("bundesland", "name"))
        by_land = sorted(
            (
                (group[0].get_bundesland_display(), group)
                for _, items in groupby(partners, key=lambda m: m.bundesland)
                if (group := list(items))
            ),
            key=lambda pair: pair[0],
        )
        return super().get_context_data(
            by_land=by_land,
            partners=sorted(partners, key=lambda m: m.name),
            germany_map=germany_map_svg(partners),
            map_attribution=outline_attribution(),
            organisations=Organisation.objects.filter(is_sponsor=True),
            **kwargs,
        )


class MunicipalityDetailView(DetailView):
    model = Municipality
    template_name = "network/municipality_detail.html"
    # The page shows a first handful; the directory, filtered by the municipality, has all.
    members_shown = 24

    def get_context_data(self, **kwargs):
        visible = User.objects.visible_to(self.request.user).filter(municipality=self.object)
        members = list(visible.for_directory().order_by("name", "pk")[: self.members_shown + 1])
        return super().get_context_data(
            members=members[: self.members_shown],
            more_members=len(members) > self.members_shown,
            **kwargs,
        )


class MemberListView(LoginRequiredMixin, ListView):
    template_name = "network/member_list.html"
    context_object_name = "members"
    paginate_by = 24

    def get_queryset(self):
        self.filter_form = DirectoryFilterForm(self.request.GET or None)
        members = User.objects.visible_to(self.request.user).for_directory().order_by("name", "pk")
        if self.request.GET:
            members = self.filter_form.filter(members)
        return members

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filter_form,
            filter_query=query.urlencode(),
            is_filtered=any(v for k, v in self.request.GET.items() if k != "page"),
            **kwargs,
        )


def _visible_member(request: HttpRequest, pk: int) -> User:
    member = (
        User.objects.visible_to(request.user).for_directory().filter(pk=pk, is_active=True).first()
    )
    if member is None:
        raise Http404(_("Dieses Profil gibt es nicht oder es ist nicht sichtbar."))
    return member


def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        member = _visible_member(request, pk)
    except Http404:
        if not request.user.is_authenticated:
            # Visitors do not learn whether a members-only profile exists: they log in first.
            return redirect_to_login(request.get_full_path())
        raise
    viewer = request.user
    return render(
        request,
        "network/member_detail.html",
        {
            "member": member,
            "show_email": (member.show_email and viewer.is_authenticated) or viewer.is_staff,
            "can_contact": viewer.pk != member.pk
            and viewer.has_perm("network.contact_member", member),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_contact(request: HttpRequest, pk: int) -> HttpResponse:
    member = _visible_member(request, pk)
    # Checked apart from the rule: has_perm() is always true for superusers.
    if member.pk == request.user.pk or not request.user.has_perm("network.contact_member", member):
        raise PermissionDenied(_("Sie können diesem Mitglied keine Nachricht schreiben."))
    form = ContactForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.member_contact(
                sender=request.user,
                recipient=member,
                subject=form.cleaned_data["subject"],
                message=form.cleaned_data["message"],
            )
        except services.RateLimited as error:
            form.add_error(None, str(error))
            status = 429
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Ihre Nachricht an %(name)s ist unterwegs. Antworten kommen direkt an Sie.")
                % {"name": member.display_name},
            )
            return redirect("network:member-detail", pk=member.pk)
    return render(
        request, "network/contact_form.html", {"form": form, "member": member}, status=status
    )


class ProfileUpdateView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "network/profile_form.html"
    success_url = reverse_lazy("profile")

    def get_object(self, queryset=None):
        # A fresh copy: a rejected form must not change request.user for the rest of the page.
        return User.objects.get(pk=self.request.user.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            topic_suggestions=Tag.objects.order_by("name").values_list("name", flat=True)[:200],
            **kwargs,
        )

    def form_valid(self, form):
        old_avatar = User.objects.get(pk=self.object.pk).avatar
        response = super().form_valid(form)
        if old_avatar and old_avatar.name != self.object.avatar.name:
            old_avatar.storage.delete(old_avatar.name)
        messages.success(self.request, _("Ihr Profil wurde gespeichert."))
        return response

    def form_invalid(self, form):
        messages.error(self.request, _("Bitte korrigieren Sie die markierten Angaben."))
        return super().form_invalid(form)


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    data = services.user_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"kommune360-meine-daten-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_delete(user=request.user, password=form.cleaned_data["password"])
        except PermissionDenied as error:
            form.add_error("password", str(error))
        else:
            logout(request)
            messages.success(
                request, _("Ihr Konto und Ihre persönlichen Daten wurden gelöscht. Alles Gute!")
            )
            return redirect("home")
    return render(request, "network/account_delete.html", {"form": form})


class ApplicationView(FormView):
    form_class = ApplicationForm
    template_name = "network/application_form.html"
    success_url = reverse_lazy("network:application-done")
    extra_context = {"consent_version": services.CONSENT_VERSION}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.application_submit(
                name=data["name"],
                email=data["email"],
                organisation=data["organisation"],
                municipality=data["municipality"],
                municipality_name=data["municipality_name"],
                function=data["function"],
                sector=data["sector"],
                motivation=data["motivation"],
            )
        except ValidationError as error:
            form.add_error("email", error)
            return self.form_invalid(form)
        return super().form_valid(form)


class ApplicationDoneView(TemplateView):
    template_name = "network/application_done.html"


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        application = services.invitation_application(token)
    except ValidationError as error:
        status = 410 if error.code in {"expired", "used"} else 404
        return render(
            request,
            "network/invitation_invalid.html",
            {"message": error.messages[0], "code": error.code},
            status=status,
        )
    form = InvitationForm(request.POST or None, application=application)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                application=application, password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Willkommen im Netzwerk! Ergänzen Sie jetzt gern Ihr Profil.")
            )
            return redirect(reverse("profile"))
    return render(
        request, "network/invitation_form.html", {"form": form, "application": application}
    )


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
