"""Webhooks as Standard Webhooks: endpoints per administrator scope, signed deliveries
retried on a schedule, in order per endpoint, behind a guard against requests to
internal addresses (ssrf.py).

The outbox worker calls two functions (delivery.py): `fan_out(session, event)` for each
event it claims, which queues one delivery per matching endpoint, and
`deliver_due(sessionmaker)` on each pass, which sends what is due.
"""
