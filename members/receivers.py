"""Signal receivers that keep the session index and activity clock in step."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from .middleware import LAST_ACTIVITY_KEY
from .services import session_forget, session_track


@receiver(user_logged_in, dispatch_uid="members.receivers.track_session")
def _track_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_ACTIVITY_KEY] = int(time.time())
    session_track(request, user)


@receiver(user_logged_out, dispatch_uid="members.receivers.forget_session")
def _forget_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_forget(request.session.session_key)
