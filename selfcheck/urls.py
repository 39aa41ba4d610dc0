from django.urls import path

from . import results, views

app_name = "selfcheck"

urlpatterns = [
    path("", views.index, name="index"),
    path("runden/neu/", views.round_create, name="round-create"),
    path("runden/<int:pk>/", views.round_detail, name="round-detail"),
    path("runden/<int:pk>/einladen/", views.round_invite, name="round-invite"),
    path("runden/<int:pk>/erinnern/", views.round_remind, name="round-remind"),
    path("runden/<int:pk>/abschliessen/", views.round_close, name="round-close"),
    path("runden/<int:pk>/fragen/", views.answer_start, name="answer-start"),
    path("runden/<int:pk>/fragen/<slug:section>/", views.answer_section, name="answer-section"),
    path(
        "runden/<int:pk>/fragen/<slug:section>/<int:indicator>/",
        views.answer_save,
        name="answer-save",
    ),
    path("runden/<int:pk>/auswertung/", results.evaluation, name="evaluation"),
    path("runden/<int:pk>/auswertung.pdf", results.evaluation_pdf, name="evaluation-pdf"),
    path("runden/<int:pk>/antworten.csv", results.answers_csv, name="answers-csv"),
    path("einladung/<str:token>/", views.invitation_accept, name="invitation"),
]
