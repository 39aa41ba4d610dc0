from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("", views.NetworkView.as_view(), name="index"),
    path(
        "kommunen/<slug:slug>/", views.MunicipalityDetailView.as_view(), name="municipality-detail"
    ),
]
