from django.urls import path

from . import barcamp, reports, views

app_name = "events"

urlpatterns = [
    path("", views.EventListView.as_view(), name="event-list"),
    path("kalender.ics", views.calendar_feed, name="calendar"),
    path(
        "anmeldung/<str:token>/bestaetigen/",
        views.registration_confirm,
        name="registration-confirm",
    ),
    path("anmeldung/<str:token>/", views.registration_manage, name="registration-manage"),
    path("<slug:slug>.ics", views.event_ics, name="event-ics"),
    path("<slug:slug>/", views.event_detail, name="event-detail"),
    path("<slug:slug>/anmelden/", views.registration_create, name="register"),
    path("<slug:slug>/abmelden/", views.registration_cancel, name="unregister"),
    path("<slug:slug>/teilnehmende/", views.ParticipantListView.as_view(), name="participants"),
    path("<slug:slug>/teilnehmende.csv", views.participants_csv, name="participants-csv"),
    path(
        "<slug:slug>/teilnehmende/checkin/",
        views.ParticipantListView.as_view(template_name="events/checkin_list.html"),
        name="participants-checkin",
    ),
    path(
        "<slug:slug>/teilnehmende/nachricht/",
        views.participants_message,
        name="participants-message",
    ),
    path("<slug:slug>/sessions/", barcamp.session_board, name="session-board"),
    path("<slug:slug>/sessions/vorschlagen/", barcamp.session_propose, name="session-propose"),
    path("<slug:slug>/sessions/raster/", barcamp.session_grid, name="session-grid"),
    path("<slug:slug>/sessions/<int:pk>/interesse/", barcamp.session_vote, name="session-vote"),
    path("<slug:slug>/sessions/<int:pk>/notizen/", barcamp.session_notes, name="session-notes"),
    path("<slug:slug>/dokumentation/", reports.report_detail, name="report-detail"),
]
