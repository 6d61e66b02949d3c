from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from siaga.core.pagination import Page
from siaga.core.text import CleanText

AgencyName = Annotated[str, CleanText(max_length=300, min_length=1, strip=True)]


class AgencyRead(BaseModel):
    code: str = Field(examples=["64.72.kesbangpol"])
    name: str
    type_code: str = Field(examples=["kesbangpol"])
    type_name: str
    region_code: str
    region_name: str
    is_active: bool = Field(
        description="False: kept with its history, but offered for no new work or operators"
    )


class AgencyPage(Page[AgencyRead]):
    pass


class AgencyTypeRead(BaseModel):
    code: str
    name: str


class AgencyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        max_length=80,
        examples=["64.72.kesbangpol"],
        description="<region code>.<type code>: one office of each type per Pemda",
    )
    region: str = Field(max_length=20, examples=["64.72"])
    type: str = Field(max_length=40, examples=["kesbangpol"])
    name: AgencyName = Field(examples=["Badan Kesbangpol Kota Samarinda"])


class AgencyUpdate(BaseModel):
    """Only the fields sent change; at least one must be sent. The type is part of the
    code, so it does not change: a different type is a new agency."""

    model_config = ConfigDict(extra="forbid")

    name: AgencyName | None = None
    is_active: bool | None = None

    @field_validator("name", "is_active")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null")
        return value

    @model_validator(mode="after")
    def _something_sent(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("send at least one of name, is_active")
        return self
