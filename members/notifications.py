"""Notifications residents choose (issue 18): the topics, each resident's
choices, the unsubscribe links, and the listeners that e-mail the residents
who chose a topic when something happens.

Feature code never calls this module: it sends a signal
(``members.signals``: ``vote_opened``, ``vote_closed``, ``request_answered``;
``ledger.signals.personal_documents_added``) after its change commits, and
Wagtail sends ``page_published`` for notices. The listeners (connected in
``MembersConfig.ready()``) hand the work to the task worker
(``notify_task``), which finds the recipients and queues one e-mail each
through ``members.outbox``; nothing is rendered or sent in a request.

Defaults (docs/member-area.md, "Powiadomienia"): what concerns the resident's
own matters (a new personal document, an answer to their report or request)
is on until they switch it off (the cooperative's legitimate interest in
telling a member about their own account, RODO art. 6(1)(f)); everything
else (notices, votes, payment reminders) is opt-in. The address is the
account's e-mail, else the party's on file (``cms.queries.account_email``).

Never twice: each publication, vote opening or closing and reminder period
is recorded (``NotificationSent``, unique per topic and key) before anything
is queued; a community notice keeps its ``CommunityNoticeMailing``. A
republished page notifies nobody again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from django_tasks import task

from cms.queries import account_email, community_notice_recipients
from cms.site_links import get_site_links
from ledger import queries as ledger_queries
from ledger.formatting import balance_words, format_date
from ledger.models import UnitRight

from .models import NotificationPreference, NotificationSent, User
from .outbox import queue_email, queue_emails, render_email

logger = logging.getLogger("members.notifications")


@dataclass(frozen=True)
class Topic:
    key: str
    label: str | Promise
    help: str | Promise
    default: bool


DOCUMENTS = "documents"
NOTICES = "notices"
COMMUNITY_NOTICES = "community-notices"
REQUESTS = "requests"
VOTES = "votes"
PAYMENT_REMINDER = "payment-reminder"

#: Every topic a resident may choose, in the order the page lists them.
TOPICS: tuple[Topic, ...] = (
    Topic(
        DOCUMENTS,
        gettext_lazy("A new document for me"),
        gettext_lazy(
            "A charge notice, a settlement or another letter addressed to you."
        ),
        True,
    ),
    Topic(
        REQUESTS,
        gettext_lazy("Answers to my reports and requests"),
        gettext_lazy("When the office answers your report or request."),
        True,
    ),
    Topic(
        NOTICES,
        gettext_lazy("New notices of the cooperative"),
        gettext_lazy("When the cooperative publishes a notice."),
        False,
    ),
    Topic(
        COMMUNITY_NOTICES,
        gettext_lazy("New notices of my housing communities"),
        gettext_lazy("When a housing community you own a unit in publishes a notice."),
        False,
    ),
    Topic(
        VOTES,
        gettext_lazy("New votes and their results"),
        gettext_lazy("When a vote of your housing community opens, and its result."),
        False,
    ),
    Topic(
        PAYMENT_REMINDER,
        gettext_lazy("Payment reminder"),
        gettext_lazy(
            "A few days before the due date, when something is to be paid for a unit."
        ),
        False,
    ),
)
TOPIC_BY_KEY = {topic.key: topic for topic in TOPICS}


# --- Choices --------------------------------------------------------------------------


def preferences_for(user) -> dict[str, bool]:
    """The user's choice for every topic (the default where they chose none)."""
    chosen = dict(
        NotificationPreference.objects.filter(user=user).values_list("topic", "enabled")
    )
    return {topic.key: chosen.get(topic.key, topic.default) for topic in TOPICS}


@transaction.atomic
def preferences_set(*, user, choices: dict[str, bool]) -> None:
    """Store the user's choices (topics not named stay as they are)."""
    for key, enabled in choices.items():
        if key not in TOPIC_BY_KEY:
            raise ValueError(f"unknown topic {key!r}")
        NotificationPreference.objects.update_or_create(
            user=user, topic=key, defaults={"enabled": bool(enabled)}
        )


def opted_in(users, topic: str):
    """``users`` (a queryset) narrowed to those who want e-mails on ``topic``:
    active, not blocked, and the topic chosen (or left at a default of on)."""
    chosen = NotificationPreference.objects.filter(user=OuterRef("pk"), topic=topic)
    users = users.filter(is_active=True, blocked_at__isnull=True)
    if TOPIC_BY_KEY[topic].default:
        return users.exclude(Exists(chosen.filter(enabled=False)))
    return users.filter(Exists(chosen.filter(enabled=True)))


def _current_residents(on: dt.date):
    rights = UnitRight.objects.valid_on(on).filter(party_id=OuterRef("party_id"))
    return User.objects.filter(party__isnull=False).filter(Exists(rights))


def _with_addresses(users) -> list[tuple[User, str]]:
    """``(user, address)`` for the users with an address, one per address."""
    found, seen = [], set()
    for user in users.select_related("party").order_by("username"):
        address = account_email(user)
        if address and address.lower() not in seen:
            seen.add(address.lower())
            found.append((user, address))
    return found


# --- Unsubscribe links ----------------------------------------------------------------

_SALT = "members.notifications.unsubscribe"


def unsubscribe_token(*, user, address: str, topic: str) -> str:
    """A signed token naming the account, its address and one topic. It never
    expires (an old e-mail's link still works) and acts on nothing else."""
    return signing.dumps(
        {"u": user.pk, "a": address.strip().lower(), "t": topic},
        salt=_SALT,
        compress=True,
    )


@dataclass(frozen=True)
class Unsubscribe:
    user: User
    address: str
    topic: Topic


def unsubscribe_read(token: str) -> Unsubscribe | None:
    """What a token unsubscribes, or None when it is not valid (tampered,
    cut short, or its account is gone)."""
    try:
        data = signing.loads(token, salt=_SALT)
        topic = TOPIC_BY_KEY[data["t"]]
        user = User.objects.get(pk=int(data["u"]))
        address = str(data["a"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, User.DoesNotExist):
        return None
    return Unsubscribe(user=user, address=address, topic=topic)


def unsubscribe_apply(found: Unsubscribe) -> None:
    """Switch the token's one topic off for the token's one account."""
    preferences_set(user=found.user, choices={found.topic.key: False})


def _absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def unsubscribe_url(token: str) -> str:
    return _absolute(reverse("members:unsubscribe", args=[token]))


# --- The e-mail -----------------------------------------------------------------------


def _footer() -> dict:
    links = get_site_links()
    return {
        "cooperative_name": links.cooperative_name,
        "cooperative_address": list(links.address_lines),
        "cooperative_email": links.email,
        "cooperative_phone": links.phone,
    }


def notification_message(
    *,
    user,
    address: str,
    topic: str,
    subject: str,
    paragraphs: list[str],
    url: str = "",
    amounts: list[tuple[str, str]] | None = None,
    footer: dict | None = None,
) -> dict:
    """The keyword arguments of ``queue_email()`` for one notification: the
    Polish template set ``members/email/notification`` with the cooperative's
    footer, the §III.6 note when amounts are shown, the unsubscribe link and
    the RFC 8058 headers."""
    token = unsubscribe_token(user=user, address=address, topic=topic)
    link = unsubscribe_url(token)
    context = {
        "subject": subject,
        "paragraphs": paragraphs,
        "url": _absolute(url) if url else "",
        "amounts": amounts or [],
        "topic_label": TOPIC_BY_KEY[topic].label,
        "unsubscribe_url": link,
        "preferences_url": _absolute(reverse("members:notifications")),
        **(footer or _footer()),
    }
    subject, text, html = render_email("members/email/notification", context)
    return {
        "to": address,
        "subject": subject,
        "text": text,
        "html": html,
        "topic": topic,
        "user": user,
        "headers": {
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }


#: Messages rendered and written at a time by a fan-out (memory stays flat
#: however many residents a notice reaches).
FAN_OUT_CHUNK = 500


def _fan_out(recipients, *, topic: str, subject: str, paragraphs, url) -> int:
    footer = _footer()
    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        for start in range(0, len(recipients), FAN_OUT_CHUNK):
            last = start + FAN_OUT_CHUNK >= len(recipients)
            count += queue_emails(
                [
                    notification_message(
                        user=user,
                        address=address,
                        topic=topic,
                        subject=subject,
                        paragraphs=paragraphs,
                        url=url,
                        footer=footer,
                    )
                    for user, address in recipients[start : start + FAN_OUT_CHUNK]
                ],
                wake=last,
            )
    return count


def _record_once(topic: str, key: str) -> bool:
    """Record that ``key`` is notified on ``topic``; False when it already was."""
    try:
        with transaction.atomic():
            NotificationSent.objects.create(topic=topic, key=key)
    except IntegrityError:
        return False
    return True


def _count(topic: str, key: str, count: int) -> None:
    NotificationSent.objects.filter(topic=topic, key=key).update(recipients_count=count)


# --- The worker's task ----------------------------------------------------------------


@task()
def notify_task(*, kind: str, **params) -> int:
    """Find the recipients of one notification and queue their e-mails.
    Returns how many were queued."""
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        return _HANDLERS[kind](**params)


def _notify_later(kind: str, **params) -> None:
    transaction.on_commit(lambda: notify_task.enqueue(kind=kind, **params))


def notice_notify(*, page_id: int) -> int:
    """A cooperative notice was first published: e-mail the residents who
    chose the topic (members-only notices are readable by every resident)."""
    from cms.models import NoticePage

    page = NoticePage.objects.live().filter(pk=page_id).first()
    if page is None:
        return 0
    recipients = _with_addresses(
        opted_in(_current_residents(timezone.localdate()), NOTICES)
    )
    lead = getattr(page, "lead", "") or ""
    count = _fan_out(
        recipients,
        topic=NOTICES,
        subject=_("New notice: %(title)s") % {"title": page.title},
        paragraphs=[
            p for p in (_("The cooperative has published a notice."), lead) if p
        ],
        url=page.get_full_url() or page.get_url() or "/",
    )
    _count(NOTICES, f"page:{page_id}", count)
    return count


def community_notice_notify(*, page_id: int) -> int:
    """A housing-community notice was published with "notify residents": its
    community's owners who chose the topic, once per notice (the notice's
    ``CommunityNoticeMailing``; a notice no longer live sends nothing and the
    next publication tries again)."""
    from cms.models import CommunityNoticeMailing, CommunityNoticePage

    mailing = (
        CommunityNoticeMailing.objects.select_for_update()
        .filter(page_id=page_id)
        .first()
    )
    if mailing is None or mailing.sent_at is not None:
        return 0
    page = CommunityNoticePage.objects.live().filter(pk=page_id).first()
    index = page.community_index() if page is not None else None
    if index is None:
        return 0
    community = index.community
    owners = community_notice_recipients(
        community=community, on=timezone.localdate(), owners_only=True
    )
    wanted = set(
        opted_in(
            User.objects.filter(pk__in=[user.pk for user, _a in owners]),
            COMMUNITY_NOTICES,
        ).values_list("pk", flat=True)
    )
    count = _fan_out(
        [(user, address) for user, address in owners if user.pk in wanted],
        topic=COMMUNITY_NOTICES,
        subject=_("Notice of %(community)s: %(title)s")
        % {"community": community.name, "title": page.title},
        paragraphs=[
            *(p for p in (page.lead,) if p),
            _("The notice is in IOK: log in to read it."),
        ],
        url=page.get_full_url() or page.get_url() or "/",
    )
    mailing.sent_at = timezone.now()
    mailing.recipients_count = count
    mailing.save(update_fields=["sent_at", "recipients_count"])
    logger.info("community notice %s: %d e-mails queued", page_id, count)
    return count


def _object_url(obj, fallback: str) -> str:
    get_url = getattr(obj, "get_absolute_url", None)
    if callable(get_url):
        try:
            return get_url()
        except NoReverseMatch:
            pass
    return reverse(fallback)


def vote_notify(*, model: str, pk: int, closed: bool) -> int:
    """A vote opened (or closed): its community's owners who chose votes."""
    vote = apps.get_model(model).objects.filter(pk=pk).first()
    community = getattr(vote, "community", None)
    if community is None:
        return 0
    key = f"{model}:{pk}:{'closed' if closed else 'opened'}"
    owners = community_notice_recipients(
        community=community, on=timezone.localdate(), owners_only=True
    )
    wanted = set(
        opted_in(
            User.objects.filter(pk__in=[user.pk for user, _a in owners]), VOTES
        ).values_list("pk", flat=True)
    )
    if closed:
        subject = _("Result of the vote: %(title)s") % {"title": vote}
        text = _("The vote of %(community)s has closed; its result is in IOK.")
    else:
        subject = _("New vote: %(title)s") % {"title": vote}
        text = _("A vote of %(community)s has opened; you can vote in IOK.")
    count = _fan_out(
        [(user, address) for user, address in owners if user.pk in wanted],
        topic=VOTES,
        subject=subject,
        paragraphs=[text % {"community": community.name}],
        url=_object_url(vote, "members:dashboard"),
    )
    _count(VOTES, key, count)
    return count


def request_notify(*, user_id: int, title: str, url: str) -> int:
    """The office answered a resident's report or request."""
    user = opted_in(User.objects.filter(pk=user_id), REQUESTS).first()
    address = account_email(user) if user is not None else ""
    if not address:
        return 0
    queue_email(
        **notification_message(
            user=user,
            address=address,
            topic=REQUESTS,
            subject=_("Answer: %(title)s") % {"title": title},
            paragraphs=[
                _("The office has answered: %(title)s.") % {"title": title},
                _("Log in to IOK to read the answer."),
            ],
            url=url,
        )
    )
    return 1


def documents_notify(*, model: str, ids: list[int]) -> int:
    """New personal documents: one e-mail per resident they are addressed
    to (a party's accounts), naming the documents."""
    documents = list(apps.get_model(model).objects.filter(pk__in=ids).order_by("pk"))
    by_party: dict[int, list] = {}
    for document in documents:
        party_id = getattr(document, "party_id", None)
        if party_id is not None:
            by_party.setdefault(party_id, []).append(document)
    users = opted_in(User.objects.filter(party_id__in=list(by_party)), DOCUMENTS)
    count = 0
    for user, address in _with_addresses(users):
        titles = [str(document) for document in by_party[user.party_id]]
        queue_email(
            **notification_message(
                user=user,
                address=address,
                topic=DOCUMENTS,
                subject=_("A new document in IOK")
                if len(titles) == 1
                else _("New documents in IOK"),
                paragraphs=[
                    _("New in your account in IOK:"),
                    *(f"– {title}" for title in titles),
                ],
                url=reverse("members:documents"),
            )
        )
        count += 1
    return count


_HANDLERS = {
    "notice": notice_notify,
    "community-notice": community_notice_notify,
    "vote": vote_notify,
    "request": request_notify,
    "documents": documents_notify,
}


# --- The payment reminder -------------------------------------------------------------


def payment_reminders_send(*, today: dt.date | None = None) -> int:
    """E-mail the residents who chose the reminder about each unit with
    something to pay by a due date within ``IOK_PAYMENT_REMINDER_DAYS``
    days, once per unit, resident and month (``NotificationSent``). Units of
    a zone that is not on are left out, as on the payments page. Returns how
    many e-mails were queued."""
    from members.area.zones import unavailable_unit_zones, zone_statuses

    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=settings.IOK_PAYMENT_REMINDER_DAYS)
    withheld = unavailable_unit_zones(zone_statuses())
    residents = opted_in(_current_residents(today), PAYMENT_REMINDER)
    footer = _footer()
    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user, address in _with_addresses(residents):
            for summary in ledger_queries.unit_summaries(party=user.party, on=today):
                breakdown = summary.breakdown
                due = breakdown.next_due_date
                if (
                    summary.unit.zone in withheld
                    or due is None
                    or not today <= due <= horizon
                    or breakdown.balance.arrears <= 0
                ):
                    continue
                key = f"{user.pk}:{summary.unit.pk}:{due:%Y-%m}"
                with transaction.atomic():
                    if not _record_once(PAYMENT_REMINDER, key):
                        continue
                    words = balance_words(breakdown)
                    queue_email(
                        **notification_message(
                            user=user,
                            address=address,
                            topic=PAYMENT_REMINDER,
                            subject=_("Payment reminder: %(unit)s, due %(date)s")
                            % {"unit": summary.unit, "date": format_date(due)},
                            paragraphs=[
                                _(
                                    "A reminder: charges for %(unit)s fall due on "
                                    "%(date)s."
                                )
                                % {"unit": summary.unit, "date": format_date(due)},
                                *(text for _kind, text in words.headlines),
                            ],
                            amounts=words.figures,
                            url=reverse("members:payments"),
                            footer=footer,
                        )
                    )
                    _count(PAYMENT_REMINDER, key, 1)
                count += 1
    return count


# --- Listeners ------------------------------------------------------------------------


def _on_page_published(sender, instance, **kwargs) -> None:
    from cms.models import CommunityNoticeMailing, CommunityNoticePage, NoticePage

    page = instance
    if isinstance(page, CommunityNoticePage):
        if not page.notify_residents:
            return
        mailing, _created = CommunityNoticeMailing.objects.get_or_create(page=page)
        if mailing.sent_at is None:
            _notify_later("community-notice", page_id=page.pk)
    elif isinstance(page, NoticePage):
        # The first publication only (Wagtail sets both times then): a
        # correction republished, or a notice unpublished and published
        # again, notifies nobody.
        first = page.first_published_at
        if first is None or first != page.last_published_at:
            return
        if _record_once(NOTICES, f"page:{page.pk}"):
            _notify_later("notice", page_id=page.pk)


def _on_vote(sender, vote, closed: bool) -> None:
    model = vote._meta.label
    key = f"{model}:{vote.pk}:{'closed' if closed else 'opened'}"
    if _record_once(VOTES, key):
        _notify_later("vote", model=model, pk=vote.pk, closed=closed)


def _on_vote_opened(sender, vote, **kwargs) -> None:
    _on_vote(sender, vote, closed=False)


def _on_vote_closed(sender, vote, **kwargs) -> None:
    _on_vote(sender, vote, closed=True)


def _on_request_answered(sender, user, obj=None, title="", url="", **kwargs) -> None:
    if user is None:
        return
    _notify_later("request", user_id=user.pk, title=str(title), url=url or "")


def _on_documents_added(sender, document_ids, **kwargs) -> None:
    ids = [int(pk) for pk in document_ids]
    if ids:
        _notify_later("documents", model=sender._meta.label, ids=ids)


def connect() -> None:
    from wagtail.signals import page_published

    from ledger.signals import personal_documents_added

    from . import signals

    page_published.connect(_on_page_published, dispatch_uid="members-notify-publish")
    signals.vote_opened.connect(
        _on_vote_opened, dispatch_uid="members-notify-vote-open"
    )
    signals.vote_closed.connect(
        _on_vote_closed, dispatch_uid="members-notify-vote-close"
    )
    signals.request_answered.connect(
        _on_request_answered, dispatch_uid="members-notify-request"
    )
    personal_documents_added.connect(
        _on_documents_added, dispatch_uid="members-notify-documents"
    )
