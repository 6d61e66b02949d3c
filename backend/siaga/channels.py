"""The channels a deployment's outbox worker delivers through, assembled in one place.

Here, above the packages, because each channel package builds on `events` (a channel is
an `events.channels.Channel`): `events` cannot import them back. `siaga serve` and
`siaga worker` both take their channels from here.
"""

from __future__ import annotations

from siaga.core.settings import Settings
from siaga.events.channels import Channel
from siaga.events.inbox import InboxChannel
from siaga.mail.channel import EmailChannel
from siaga.reminders.schedule import ReminderSchedule
from siaga.webhooks.channel import WebhookChannel


def default_channels(settings: Settings) -> list[Channel]:
    """In order: the schedule first (its reminders are events the others then deliver in
    the same pass's next batch), the inbox, e-mail (to the inbox's people), webhooks."""
    return [
        ReminderSchedule(settings),
        InboxChannel(),
        EmailChannel(settings),
        WebhookChannel(settings),
    ]
