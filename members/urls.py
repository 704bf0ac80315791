from django.urls import path
from django.views.generic import RedirectView

app_name = "members"

urlpatterns = [
    # Old login address of the previous IOK (rules §II.8), on any host.
    path(
        "InetObsKontr/LoginPage",
        RedirectView.as_view(url="/iok/login/", permanent=True),
        name="legacy-login",
    ),
]
