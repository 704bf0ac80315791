"""Votes of housing-community owners on resolutions, collected individually
(the Polish law on the ownership of units, art. 23): the vote staff set up,
its attachments, and one ballot per unit. The rules (who votes, counting,
the window) live in ``members.area.votes``. Re-exported by ``members.models``.
"""

import os
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .area import private_storage

__all__ = ["Ballot", "Vote", "VoteAttachment", "vote_attachment_path"]


class Vote(models.Model):
    """A resolution of one housing community put to its owners' vote from
    ``opens_at`` to ``closes_at``. ``rule`` says how the majority is counted:
    by the units' shares in the common property (the law's default) or one
    vote per owner, when the resolution or the statute says so. The worker
    records when it noticed the window open and close (``opened_noticed_at``,
    ``closed_noticed_at``), so each is announced once; at the close it keeps
    the totals the result is counted against."""

    class Rule(models.TextChoices):
        SHARES = "shares", _("by shares in the common property")
        HEADCOUNT = "headcount", _("one vote per owner")

    community = models.ForeignKey(
        "ledger.HousingCommunity",
        verbose_name=_("housing community"),
        on_delete=models.PROTECT,
        related_name="votes",
    )
    number = models.CharField(
        _("resolution number"), max_length=40, help_text=_("e.g. 3/2026")
    )
    title = models.CharField(_("resolution title"), max_length=300)
    text = models.TextField(_("text of the resolution"))
    opens_at = models.DateTimeField(_("voting opens"))
    closes_at = models.DateTimeField(_("voting closes"))
    rule = models.CharField(
        _("deciding rule"),
        max_length=20,
        choices=Rule,
        default=Rule.SHARES,
        help_text=_(
            "By shares unless the resolution or the community's statute counts "
            "one vote per owner."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    opened_noticed_at = models.DateTimeField(
        _("opening announced at"), null=True, blank=True, editable=False
    )
    closed_noticed_at = models.DateTimeField(
        _("closing announced at"), null=True, blank=True, editable=False
    )
    # Kept at the close: what the majority is counted against.
    total_shares = models.DecimalField(
        _("shares of all units"),
        max_digits=12,
        decimal_places=7,
        null=True,
        blank=True,
        editable=False,
    )
    total_owners = models.PositiveIntegerField(
        _("owners entitled to vote"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("vote on a resolution")
        verbose_name_plural = _("votes on resolutions")
        ordering = ["-opens_at", "-id"]
        indexes = [
            models.Index(
                fields=["community", "-opens_at"], name="members_vote_community"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="members_vote_window_order",
                violation_error_message=_("The voting must close after it opens."),
            ),
            models.UniqueConstraint(
                fields=["community", "number"], name="members_vote_number_unique"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        """The owners' page of the vote (the link of its notifications)."""
        return reverse("members:vote", args=[self.pk])

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.closes_at


def vote_attachment_path(instance, filename: str) -> str:
    """A random name: the original name is kept in ``name``."""
    extension = os.path.splitext(filename)[1].lower()
    return f"votes/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class VoteAttachment(models.Model):
    """A document of a vote (the draft resolution, a cost estimate): a
    private file, served only to the community's owners and to staff."""

    vote = models.ForeignKey(
        Vote,
        verbose_name=_("vote"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(
        _("file"),
        storage=private_storage,
        upload_to=vote_attachment_path,
        max_length=200,
        help_text=_("A PDF, JPG or PNG file up to 5 MB."),
    )
    name = models.CharField(_("file name"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment of a vote")
        verbose_name_plural = _("attachments of votes")
        ordering = ["vote", "pk"]

    def __str__(self):
        return self.name or os.path.basename(self.file.name)


class Ballot(models.Model):
    """The vote cast for one unit in a vote: one row per unit, changed in
    place until the window closes (a co-owned unit votes once: whichever
    co-owner votes last). ``share`` and ``owner_ids`` are taken when it is
    cast (the unit's share; its owners, for the count by owners);
    ``receipt`` is new at every change."""

    class Choice(models.TextChoices):
        FOR = "for", _("for")
        AGAINST = "against", _("against")
        ABSTAIN = "abstain", _("abstain")

    vote = models.ForeignKey(
        Vote, verbose_name=_("vote"), on_delete=models.PROTECT, related_name="ballots"
    )
    unit = models.ForeignKey(
        "ledger.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="ballots",
    )
    choice = models.CharField(_("choice"), max_length=10, choices=Choice)
    party = models.ForeignKey(
        "ledger.Party",
        verbose_name=_("cast by"),
        on_delete=models.PROTECT,
        related_name="ballots",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    share = models.DecimalField(
        _("share in the common property"), max_digits=8, decimal_places=7
    )
    owner_ids = models.CharField(_("owners of the unit"), max_length=200)
    receipt = models.CharField(_("receipt number"), max_length=20, unique=True)
    cast_at = models.DateTimeField(_("first cast at"), default=timezone.now)
    changed_at = models.DateTimeField(_("last changed at"), default=timezone.now)
    changes = models.PositiveIntegerField(_("changes"), default=0)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["vote", "unit__building__address", "unit__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "unit"], name="members_ballot_one_per_unit"
            ),
        ]

    def __str__(self):
        return f"{self.vote_id}/{self.unit_id}: {self.choice}"
