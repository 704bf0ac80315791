"""Signals the ``members`` app sends, for what residents may be told about.

The notifications (``members.notifications``, issue 18) listen to these and
e-mail the residents who chose the topic; the senders know nothing about
preferences or e-mail. Each is sent after the change is committed
(``transaction.on_commit``), with ``sender`` the model class and these keyword
arguments:

* ``vote_opened``: ``vote``, a housing-community vote whose window has opened
  (its voters may now vote).
* ``vote_closed``: ``vote``, a vote whose window has closed; its result is
  final and shown.
* ``request_answered``: ``user`` (the resident to tell), ``obj`` (the report or
  request: a discrepancy report, a contact change request, a repair request),
  ``title`` (a short Polish line naming it) and ``url`` (the path of the
  resident's page of it, without the host).
"""

from django.dispatch import Signal

vote_opened = Signal()
vote_closed = Signal()
request_answered = Signal()
