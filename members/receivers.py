"""Signal receivers that keep the session index and activity clock in step.

Connected by ``connect()``, which ``MembersConfig.ready()`` calls.
"""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out

from .middleware import LAST_ACTIVITY_KEY, LOGIN_AT_KEY
from .services import session_forget, session_track


def _track_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_ACTIVITY_KEY] = request.session[LOGIN_AT_KEY] = int(
        time.time()
    )
    session_track(request, user)


def _forget_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_forget(request.session.session_key)


def connect() -> None:
    user_logged_in.connect(
        _track_session, dispatch_uid="members.receivers.track_session"
    )
    user_logged_out.connect(
        _forget_session, dispatch_uid="members.receivers.forget_session"
    )
