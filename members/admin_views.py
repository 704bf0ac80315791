"""Office screens in the Wagtail admin (rules §II and §IV).

A registrar (permission ``members.register_resident``, group "Rejestratorzy")
finds a party, creates its account and prints the access letter; resets a lost
password (a new letter); blocks and unblocks accounts; lifts a login lockout.
The first password exists only in the POST response that renders the letter:
it is not stored in the session, the database (only its hash) or a log. Each
confirmation page carries a signed one-time value (``letter``): its POST
issues one password, and a reload of the letter says so instead of issuing
another (the printed password keeps working).

Superusers also get a screen to open two-factor enrolment for staff members.
"""

import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from wagtail.admin import messages
from wagtail.admin.auth import permission_required, user_passes_test

from cms.site_links import get_site_links
from ledger.models import Party
from ledger.roles import is_office_staff

from . import otp
from .audit import Event, audit_record
from .forms import BlockForm, PartySearchForm
from .lockout import load_lockouts
from .queries import parties_search
from .services import (
    AccessLetter,
    LetterAlreadyIssued,
    NoCurrentRight,
    RegistrationError,
    access_letter_pdf,
    account_block,
    account_create,
    account_password_reset,
    account_unblock,
    lockout_reset,
    party_may_register,
    sessions_end,
)
from .validators import CooperativePasswordValidator

REGISTER = "members.register_resident"
registrar_required = permission_required(REGISTER)
superuser_required = user_passes_test(lambda user: user.is_superuser)


def _resident_or_404(pk: int):
    user = get_object_or_404(get_user_model(), pk=pk, party__isnull=False)
    if is_office_staff(user):
        raise Http404
    return user


def _admin_page(request, template, context, status=200):
    return TemplateResponse(request, template, context, status=status)


# --- One letter per confirmation ----------------------------------------------------

LETTER_SALT = "members.admin.letter"
#: How long a confirmation page stays usable (seconds).
LETTER_MAX_AGE = 3600


def _letter_token(purpose: str, pk: int) -> str:
    """The confirmation form's one-time value for ``purpose`` on object ``pk``."""
    nonce = secrets.token_urlsafe(12)
    return signing.TimestampSigner(salt=LETTER_SALT).sign(f"{purpose}:{pk}:{nonce}")


def _letter_from_post(request: HttpRequest, purpose: str, pk: int) -> str | None:
    """The one-time value posted by the confirmation form for this object, or
    None when it is missing, forged, for another account or too old."""
    try:
        value = signing.TimestampSigner(salt=LETTER_SALT).unsign(
            request.POST.get("letter", ""), max_age=LETTER_MAX_AGE
        )
    except signing.BadSignature:
        return None
    prefix = f"{purpose}:{pk}:"
    return value.removeprefix(prefix) if value.startswith(prefix) else None


def _confirmation_missing(request, template, context) -> HttpResponse:
    messages.error(
        request,
        _(
            "The confirmation has expired or did not come from this form. Nothing "
            "was issued; confirm again."
        ),
    )
    return _admin_page(request, template, context, status=400)


def _letter_already_issued(request, *, account, party) -> HttpResponse:
    """A reload of a letter: say so, issue nothing."""
    return _admin_page(
        request,
        "members/admin/letter_issued.html",
        {"account": account, "party": party},
        status=409,
    )


@never_cache
@registrar_required
def accounts_index(request: HttpRequest) -> HttpResponse:
    form = PartySearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    parties = list(parties_search(query=query)) if query else []
    accounts = [getattr(party, "user", None) for party in parties]
    failures = load_lockouts(accounts)
    rows = [
        {
            "party": party,
            "account": account,
            "failures": failures.get(account.username, 0) if account else 0,
        }
        for party, account in zip(parties, accounts, strict=True)
    ]
    blocked = (
        get_user_model()
        ._default_manager.filter(blocked_at__isnull=False, party__isnull=False)
        .select_related("party")
        .order_by("-blocked_at")[:50]
    )
    return _admin_page(
        request,
        "members/admin/accounts_index.html",
        {
            "form": form,
            "query": query,
            "rows": rows,
            "blocked": blocked,
            "lockout_limit": settings.AXES_FAILURE_LIMIT,
        },
    )


@sensitive_variables("password")
def _letter(request, *, user, password: str, reason: str) -> HttpResponse:
    """The access letter as a PDF (``services.access_letter_pdf``), in this
    response only: the password is never stored."""
    links = get_site_links()
    registrar = request.user
    party = user.party
    content = access_letter_pdf(
        AccessLetter(
            cooperative=links.cooperative_name or settings.WAGTAIL_SITE_NAME,
            cooperative_lines=tuple(links.address_lines),
            party_name=party.name if party else "",
            party_address=party.address if party else "",
            identifier=user.username,
            password=password,
            reason=reason,
            login_url=request.build_absolute_uri(reverse("members:login")),
            password_rules=str(CooperativePasswordValidator().get_help_text()),
            resolution=links.rules_resolution or settings.IOK_RULES_RESOLUTION,
            issued_at=timezone.localtime(),
            registrar=registrar.get_full_name() or registrar.username,
        )
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="pismo-dostep-iok-{user.username}.pdf"'
    )
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private"
    response["Pragma"] = "no-cache"
    return response


def _no_current_right(request, party) -> HttpResponse:
    """Registration refused: back to the search for the party, with why."""
    messages.error(
        request,
        _(
            "No account was created: %(name)s (party %(number)s) holds no right "
            "to any unit today. An account is only given to a current tenant, "
            "member or owner; check the rights to units imported from the "
            "accounting system."
        )
        % {"name": party.name, "number": party.number},
    )
    query = urlencode({"q": party.number})
    return redirect(f"{reverse('members_admin:index')}?{query}")


@sensitive_variables("password")
@never_cache
@registrar_required
@require_http_methods(["GET", "POST"])
def account_create_view(request: HttpRequest, party_pk: int) -> HttpResponse:
    party = get_object_or_404(Party.objects.select_related("user"), pk=party_pk)
    template = "members/admin/account_create.html"
    if request.method == "POST":
        letter = _letter_from_post(request, "create", party.pk)
        if letter is None and getattr(party, "user", None) is not None:
            messages.error(request, _("This party already has an account."))
            return redirect("members_admin:index")
        if letter is None:
            context = {"party": party, "letter": _letter_token("create", party.pk)}
            return _confirmation_missing(request, template, context)
        try:
            user, password = account_create(
                party=party, registrar=request.user, request=request, letter=letter
            )
        except LetterAlreadyIssued:
            return _letter_already_issued(request, account=party.user, party=party)
        except NoCurrentRight:
            return _no_current_right(request, party)
        except RegistrationError:
            messages.error(request, _("This party already has an account."))
            return redirect("members_admin:index")
        return _letter(request, user=user, password=password, reason="created")
    if getattr(party, "user", None) is not None:
        messages.error(request, _("This party already has an account."))
        return redirect("members_admin:index")
    if not party_may_register(party):
        return _no_current_right(request, party)
    audit_record(
        actor=request.user,
        event=Event.STAFF_VIEW,
        target=party,
        request=request,
        path=request.path,
    )
    return _admin_page(
        request, template, {"party": party, "letter": _letter_token("create", party.pk)}
    )


@sensitive_variables("password")
@never_cache
@registrar_required
@require_http_methods(["GET", "POST"])
def account_reset_view(request: HttpRequest, user_pk: int) -> HttpResponse:
    user = _resident_or_404(user_pk)
    template = "members/admin/account_reset.html"
    context = {"account": user, "letter": _letter_token("reset", user.pk)}
    if request.method == "POST":
        letter = _letter_from_post(request, "reset", user.pk)
        if letter is None:
            return _confirmation_missing(request, template, context)
        try:
            password = account_password_reset(
                user=user, registrar=request.user, request=request, letter=letter
            )
        except LetterAlreadyIssued:
            return _letter_already_issued(request, account=user, party=user.party)
        return _letter(request, user=user, password=password, reason="reset")
    return _admin_page(request, template, context)


@never_cache
@registrar_required
@require_http_methods(["GET", "POST"])
def account_block_view(request: HttpRequest, user_pk: int) -> HttpResponse:
    user = _resident_or_404(user_pk)
    form = BlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_block(
            user=user,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
        messages.success(
            request,
            _("Account %(identifier)s is blocked; its sessions have ended.")
            % {"identifier": user.username},
        )
        return redirect("members_admin:index")
    return _admin_page(
        request, "members/admin/account_block.html", {"account": user, "form": form}
    )


@never_cache
@registrar_required
@require_POST
def account_unblock_view(request: HttpRequest, user_pk: int) -> HttpResponse:
    user = _resident_or_404(user_pk)
    account_unblock(user=user, actor=request.user, request=request)
    messages.success(
        request,
        _("Account %(identifier)s is unblocked.") % {"identifier": user.username},
    )
    return redirect("members_admin:index")


@never_cache
@registrar_required
@require_POST
def lockout_reset_view(request: HttpRequest, user_pk: int) -> HttpResponse:
    user = _resident_or_404(user_pk)
    lockout_reset(username=user.username, actor=request.user, request=request)
    messages.success(
        request,
        _("Failed logins of %(identifier)s were cleared; the account can log in.")
        % {"identifier": user.username},
    )
    return redirect("members_admin:index")


# --- Staff two-factor (superusers) ------------------------------------------------


@never_cache
@superuser_required
def staff_otp_index(request: HttpRequest) -> HttpResponse:
    staff = (
        get_user_model()
        ._default_manager.filter(party__isnull=True)
        .filter(is_active=True)
        .order_by("username")
    )
    rows = [
        {
            "account": member,
            "has_device": otp.has_second_factor(member),
            "enrolment_open": otp.enrolment_is_open(member),
        }
        for member in staff
        if member.needs_second_factor
    ]
    return _admin_page(
        request,
        "members/admin/staff_otp.html",
        {"rows": rows, "hours": settings.IOK_OTP_ENROLMENT_HOURS},
    )


@never_cache
@superuser_required
@require_POST
def staff_otp_open_view(request: HttpRequest, user_pk: int) -> HttpResponse:
    member = get_object_or_404(get_user_model(), pk=user_pk, party__isnull=True)
    if otp.has_second_factor(member):
        messages.error(request, _("Remove the current device first."))
    else:
        otp.enrolment_open(user=member, actor=request.user, request=request)
        messages.success(
            request,
            _(
                "%(identifier)s can now set up two-factor authentication by logging "
                "in at /iok/login/ within %(hours)d hours."
            )
            % {
                "identifier": member.username,
                "hours": settings.IOK_OTP_ENROLMENT_HOURS,
            },
        )
    return redirect("members_admin:staff-otp")


@never_cache
@superuser_required
@require_POST
def staff_otp_remove_view(request: HttpRequest, user_pk: int) -> HttpResponse:
    member = get_object_or_404(get_user_model(), pk=user_pk, party__isnull=True)
    if member.pk == request.user.pk:
        messages.error(request, _("You cannot remove your own second factor here."))
        return redirect("members_admin:staff-otp")
    otp.devices_remove(user=member, actor=request.user, request=request)
    sessions_end(user=member)
    messages.success(
        request,
        _("Two-factor devices of %(identifier)s were removed; their sessions ended.")
        % {"identifier": member.username},
    )
    return redirect("members_admin:staff-otp")
