from __future__ import annotations

from pydantic import BaseModel, Field

from siaga.core.pagination import Page


class AgencyRead(BaseModel):
    code: str = Field(examples=["64.72.kesbangpol"])
    name: str
    type_code: str = Field(examples=["kesbangpol"])
    type_name: str
    region_code: str
    region_name: str


class AgencyPage(Page[AgencyRead]):
    pass


class AgencyTypeRead(BaseModel):
    code: str
    name: str
