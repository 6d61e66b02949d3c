from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from siaga.core.settings import Settings
from siaga.core.storage import Storage, get_storage


def app_storage(request: Request) -> Storage:
    """The evidence storage of this app, built from its settings on first use.

    Kept on app.state, not per request: an S3 client pools connections. It holds no
    data, so replicas share nothing through it.
    """
    storage: Storage | None = getattr(request.app.state, "evidence_storage", None)
    if storage is None:
        settings: Settings = request.app.state.settings
        storage = get_storage(settings)
        request.app.state.evidence_storage = storage
    return storage


EvidenceStorage = Annotated[Storage, Depends(app_storage)]
