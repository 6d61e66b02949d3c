from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from siaga.events.catalogue import EventType, ReminderType
from siaga.mail.preferences import CHOOSABLE

EmailEventType = EventType | ReminderType


class EmailChoice(BaseModel):
    type: EmailEventType
    enabled: bool = Field(description="Whether this type also reaches the caller by e-mail")
    default: bool = Field(description="Its setting for someone who never chose")


class EmailPreferencesRead(BaseModel):
    email: str | None = Field(description="Where e-mails go: the profile's address (none: none)")
    email_available: bool = Field(
        description="Whether this installation sends e-mail at all (SIAGA_SMTP_URL set)"
    )
    events: list[EmailChoice] = Field(description="Every event type that may be mailed")


class EmailPreferencesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: list[EmailEventType] = Field(
        max_length=len(CHOOSABLE),
        description="The event types to receive by e-mail; every other type is off",
    )
