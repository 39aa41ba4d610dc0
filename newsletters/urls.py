from django.urls import path

from . import views

app_name = "newsletters"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("danke/", views.subscribe_done, name="subscribe-done"),
    path("bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("neuer-link/", views.resend, name="resend"),
    path("abo/<str:token>/", views.manage, name="manage"),
    path("abmelden/<str:token>/", views.one_click, name="one-click"),
    path("profil/", views.member_subscribe, name="member-subscribe"),
    path("archiv/", views.archive, name="archive"),
    path("archiv/<slug:slug>/", views.archive_detail, name="archive-detail"),
]
