"""Record bounces: read delivery status notifications (RFC 3464 DSNs, the
"undeliverable" messages a mail server sends back) from an mbox file or a
single message file, and mark the e-mails they are about as bounced
(``members.outbox.outbox_mark_bounced``): by the original Message-ID when the
DSN quotes it, else the last message sent to the failed recipient.

Use it on the mailbox of the sender address (``DEFAULT_FROM_EMAIL``), e.g. a
daily ``fetchmail``/``getmail`` into an mbox (docs/operations.md, "E-mail").
Staff can also mark a message bounced in the admin.
"""

import mailbox
from email import message_from_binary_file, policy
from email.message import Message

from django.core.management.base import BaseCommand, CommandError

from members.outbox import outbox_mark_bounced


def _failed_recipients(message: Message) -> list[str]:
    found = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        # The per-recipient fields come as sub-messages (the first one is the
        # per-message block).
        blocks = part.get_payload() if part.is_multipart() else []
        for block in blocks:
            action = str(block.get("Action", "")).strip().lower()
            recipient = str(block.get("Final-Recipient", "")).strip()
            if action == "failed" and recipient:
                found.append(recipient.partition(";")[2].strip() or recipient)
    return found


def _original_message_id(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() in ("text/rfc822-headers", "message/rfc822"):
            payload = part.get_payload()
            if isinstance(payload, list) and payload:
                value = payload[0].get("Message-ID", "")
            else:
                text = payload if isinstance(payload, str) else ""
                value = next(
                    (
                        line.split(":", 1)[1]
                        for line in text.splitlines()
                        if line.lower().startswith("message-id:")
                    ),
                    "",
                )
            if value:
                return str(value).strip()
    return ""


class Command(BaseCommand):
    help = "Mark e-mails as bounced from delivery status notifications (mbox or .eml)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="an mbox file, or one message (.eml)")

    def handle(self, *args, path: str, **options):
        try:
            box = mailbox.mbox(path, create=False)
            messages = list(box)
            if not messages:
                with open(path, "rb") as handle:
                    messages = [
                        message_from_binary_file(handle, policy=policy.compat32)
                    ]
        except (OSError, mailbox.Error) as error:
            raise CommandError(f"cannot read {path}: {error}") from error
        marked = 0
        for message in messages:
            recipients = _failed_recipients(message)
            if not recipients:
                continue
            message_id = _original_message_id(message)
            count = outbox_mark_bounced(message_id=message_id) if message_id else 0
            if not count:
                for recipient in recipients:
                    count += outbox_mark_bounced(to=recipient)
            marked += count
        self.stdout.write(f"bounces recorded: {marked}")
