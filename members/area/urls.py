"""URLs of the member area's zones, included under /iok/ by members/urls.py.

Names live in the ``members`` namespace (``members:dashboard``,
``members:ledger``…); ids are looked up within the resident's own units.
"""

from django.urls import path

from . import notification_views, views, vote_views

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("kartoteka/<int:unit_id>/", views.ledger_view, name="ledger"),
    path("kartoteka/<int:unit_id>/csv/", views.ledger_csv_view, name="ledger-csv"),
    path("kartoteka/<int:unit_id>/pdf/", views.ledger_pdf_view, name="ledger-pdf"),
    path(
        "kartoteka/<int:unit_id>/wydruk/",
        views.ledger_print_view,
        name="ledger-print",
    ),
    path(
        "kartoteka/<int:unit_id>/zgloszenie/",
        views.report_create_view,
        name="report-create",
    ),
    path("zgloszenia/", views.reports_view, name="reports"),
    path("zgloszenia/<int:report_id>/", views.report_detail_view, name="report-detail"),
    path(
        "zgloszenia/<int:report_id>/zalacznik/",
        views.report_attachment_view,
        name="report-attachment",
    ),
    path("naprawy/", views.repairs_view, name="repairs"),
    path("naprawy/nowe/", views.repair_create_view, name="repair-create"),
    path("naprawy/<int:request_id>/", views.repair_detail_view, name="repair-detail"),
    path(
        "naprawy/<int:request_id>/zdjecia/<int:photo_id>/",
        views.repair_photo_view,
        name="repair-photo",
    ),
    path("kredyty/", views.loans_view, name="loans"),
    path("kredyty/<int:loan_id>/", views.loan_detail_view, name="loan-detail"),
    path("liczniki/", views.meters_view, name="meters"),
    path("liczniki/<int:meter_id>/", views.meter_detail_view, name="meter-detail"),
    path("czlonkostwo/", views.membership_view, name="membership"),
    path("dane-kontaktowe/", views.contact_view, name="contact"),
    path("platnosci/", views.payments_view, name="payments"),
    path("ogloszenia/", views.notices_view, name="notices"),
    path("ogloszenia/<int:notice_id>/", views.notice_view, name="notice"),
    path("dokumenty/", views.documents_view, name="documents"),
    path(
        "dokumenty/<int:document_id>/pobierz/",
        views.document_download_view,
        name="document-download",
    ),
    path(
        "dokumenty/<int:document_id>/przeczytany/",
        views.document_read_view,
        name="document-read",
    ),
    path("moje-dane/", views.my_data_view, name="my-data"),
    path("glosowania/", vote_views.votes_view, name="votes"),
    path("glosowania/<int:vote_id>/", vote_views.vote_view, name="vote"),
    path(
        "glosowania/<int:vote_id>/potwierdzenie/",
        vote_views.vote_receipt_view,
        name="vote-receipt",
    ),
    path(
        "glosowania/<int:vote_id>/zalacznik/<int:attachment_id>/",
        vote_views.vote_attachment_view,
        name="vote-attachment",
    ),
    path(
        "powiadomienia/",
        notification_views.notifications_view,
        name="notifications",
    ),
    # The one-click link of every notification e-mail (no login needed).
    path(
        "wypisz/<str:token>/",
        notification_views.unsubscribe_view,
        name="unsubscribe",
    ),
]
