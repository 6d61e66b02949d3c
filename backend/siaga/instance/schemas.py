from __future__ import annotations

from pydantic import BaseModel, Field

from siaga.models import Role


class DemoAccountRead(BaseModel):
    """A demo account the sign-in page may name, with what it may see."""

    username: str
    role: Role
    full_name: str
    region: str | None = Field(description="Region code of the scope; none for national")
    region_name: str | None
    agency: str | None = Field(description="Agency code (operators)")
    agency_name: str | None


class InstanceRead(BaseModel):
    """What a visitor may know about this installation before signing in."""

    name: str = Field(description="The installation's name (SIAGA_INSTANCE_NAME)")
    timezone: str = Field(
        description="The default IANA zone: deadlines end at midnight in each region's own "
        "zone (GET /regions), in this one only for a region with none"
    )
    demo_accounts: list[DemoAccountRead] = Field(
        description="Development with the demo data loaded only; otherwise empty"
    )
    demo_password: str | None = Field(
        description=(
            "The demo accounts' password, only while it is the default published in the "
            "README (development only)"
        )
    )
