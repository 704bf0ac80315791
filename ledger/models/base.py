"""Shared building blocks of the ledger models."""

from django.db import models
from django.utils.translation import gettext_lazy as _

#: Every amount of money: numeric(12, 2), never float.
MONEY = {"max_digits": 12, "decimal_places": 2}


class TimeStampedModel(models.Model):
    """Abstract base: when the portal created and last changed a row (not the
    dates of the accounting events, which each model keeps itself)."""

    # Imported records are not content: keep them out of Wagtail's reference
    # index ("usage"), which would otherwise queue a task on every save.
    wagtail_reference_index_ignore = True

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class ValidOnQuerySet(models.QuerySet):
    """Rows with ``valid_from``/``valid_to`` (inclusive, ``valid_to`` open-ended
    when empty)."""

    def valid_on(self, day):
        return self.filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
            valid_from__lte=day,
        )


def valid_range_constraint(name: str) -> models.CheckConstraint:
    """``valid_to`` is empty or not before ``valid_from``."""
    return models.CheckConstraint(
        condition=models.Q(valid_to__isnull=True)
        | models.Q(valid_to__gte=models.F("valid_from")),
        name=name,
    )
