from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from siaga.webhooks.ssrf import Resolver, system_resolver


def _resolver(request: Request) -> Resolver:
    # The system's DNS unless the application was given another (tests give a stub, so
    # that no test ever asks a real DNS server).
    resolver: Resolver = getattr(request.app.state, "webhook_resolver", system_resolver)
    return resolver


WebhookResolver = Annotated[Resolver, Depends(_resolver)]
