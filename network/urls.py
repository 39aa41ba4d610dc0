from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("", views.NetworkView.as_view(), name="index"),
    path(
        "kommunen/<slug:slug>/",
        views.MunicipalityDetailView.as_view(),
        name="municipality-detail",
    ),
    path("mitglieder/", views.MemberListView.as_view(), name="member-list"),
    path("mitglieder/<int:pk>/", views.member_detail, name="member-detail"),
    path("mitglieder/<int:pk>/kontakt/", views.member_contact, name="member-contact"),
    path("mitmachen/", views.ApplicationView.as_view(), name="application"),
    path("mitmachen/danke/", views.ApplicationDoneView.as_view(), name="application-done"),
    path(
        "mitmachen/einladung/<str:token>/",
        views.invitation_accept,
        name="invitation",
    ),
]
