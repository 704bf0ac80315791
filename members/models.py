"""Accounts: residents and staff are both users."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login. Residents log in with their identifier (the username) and are
    linked to exactly one Party of the accounting system; staff have no party."""

    party = models.OneToOneField(
        "ledger.Party",
        verbose_name=_("party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
