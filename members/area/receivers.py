"""Signal receivers of the member area.

Connected by ``connect()``, which ``MembersConfig.ready()`` calls.
"""

from django.contrib.auth.signals import user_logged_in

from members.area.services import RULES_NOTICE_SESSION_KEY, rules_notice_on_login


def _rules_notice(sender, request, user, **kwargs):
    """After the board publishes new rules, the next login shows a notice once."""
    if request is None or not hasattr(request, "session"):
        return
    notice = rules_notice_on_login(user=user)
    if notice is not None:
        request.session[RULES_NOTICE_SESSION_KEY] = notice


def connect() -> None:
    user_logged_in.connect(_rules_notice, dispatch_uid="members.area.rules_notice")
