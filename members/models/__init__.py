"""The ``members`` app's models, one module per concern, re-exported here.

- ``accounts``: logins and what guards them (``User``, ``UserSession``,
  ``AuditEvent``).
- ``area``: the member area's own records (discrepancy reports, contact change
  requests, rules acknowledgements, the staff view of submitted readings) and
  the private storage of residents' uploads.
- ``repairs``: residents' repair requests (with photos and a thread of
  messages) and the staff of each estate office who handle them.
- ``jobs``: when each recurring job of the worker's schedule last ran.
- ``votes``: housing-community votes on resolutions, their attachments and
  ballots.
- ``notifications``: the outbox of e-mails and residents' notification
  choices (issue 18).
- ``zones``: the state of each zone of the member area (on, suspended, off).

Import from ``members.models``; the submodules are an internal layout.
"""

from .accounts import AccountState, AuditEvent, User, UserSession
from .area import (
    ContactChangeRequest,
    DiscrepancyReport,
    PrivateStorage,
    ResidentMeterReading,
    RulesAcknowledgement,
    private_storage,
    report_attachment_path,
)
from .jobs import RecurringJobRun
from .notifications import NotificationPreference, NotificationSent, OutgoingEmail
from .repairs import (
    EstateOfficeStaff,
    RepairMessage,
    RepairPhoto,
    RepairRequest,
    repair_photo_path,
)
from .votes import Ballot, Vote, VoteAttachment, vote_attachment_path
from .zones import ZoneState

__all__ = [
    "AccountState",
    "AuditEvent",
    "Ballot",
    "ContactChangeRequest",
    "DiscrepancyReport",
    "EstateOfficeStaff",
    "NotificationPreference",
    "NotificationSent",
    "OutgoingEmail",
    "PrivateStorage",
    "RecurringJobRun",
    "RepairMessage",
    "RepairPhoto",
    "RepairRequest",
    "ResidentMeterReading",
    "RulesAcknowledgement",
    "User",
    "UserSession",
    "Vote",
    "VoteAttachment",
    "vote_attachment_path",
    "private_storage",
    "repair_photo_path",
    "report_attachment_path",
    "ZoneState",
]
