"""The base of every wagtail-modeladmin screen in the project.

wagtail-modeladmin's list view applies any query-string parameter that no list
filter claims as an ORM lookup (``?party__user__password__startswith=a``). Staff
could use that to probe fields they cannot see, and a malformed lookup ended in
a 500. ``StaffModelAdmin`` lists accept only what the screen declares: its list
filters, search, ordering, pagination and the names in ``extra_lookups``.

Lives in ``ledger`` because imports flow ``members → ledger`` and both apps
register screens.
"""

from django.contrib import messages
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import IndexView


class DeclaredFiltersIndexView(IndexView):
    """The list view, accepting only the query-string filters it offers.

    Any other lookup is refused like Django's admin refuses it: a
    ``DisallowedModelAdminLookup`` (logged by ``django.security``, answered
    with the 400 page). A declared filter given a value it cannot use (a date
    filter with ``?created_at__gte=yesterday``) sends the user back to the
    whole list with an error message, as Django's admin does, not to a 500."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except IncorrectLookupParameters:
            messages.error(
                request,
                _("The filters in the address are not valid; the whole list is shown."),
            )
            return redirect(request.path)

    def get_filters_params(self, params=None):
        # Kept: the list filters take their parameters out of this dict, so
        # after them it holds what no filter claimed.
        self.unclaimed_params = super().get_filters_params(params)
        return self.unclaimed_params

    def get_filters(self, request):
        try:
            result = super().get_filters(request)
        except IncorrectLookupParameters:
            # A lookup on a field that does not exist is refused too, not
            # treated as a declared filter's bad value.
            self.refuse_undeclared()
            raise
        self.refuse_undeclared()
        return result

    def refuse_undeclared(self):
        allowed = getattr(self.model_admin, "extra_lookups", ())
        refused = sorted(key for key in self.unclaimed_params if key not in allowed)
        if refused:
            raise DisallowedModelAdminLookup(f"Filtering by {refused} not allowed")


class StaffModelAdmin(ModelAdmin):
    """Use instead of ``ModelAdmin`` for every screen (see the module's note)."""

    index_view_class = DeclaredFiltersIndexView
    #: Query-string lookups allowed besides the declared list filters, e.g. the
    #: ``?loan=`` a loan's page links to.
    extra_lookups = ()


class ReadOnlyPermissionHelper(PermissionHelper):
    """Records kept by the system (imported data, the audit trail): staff with
    a permission on the model may list and inspect them; nobody creates,
    edits or deletes them here."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False
