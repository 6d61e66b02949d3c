"""Events: written with the change that causes them (the outbox), delivered by a worker
through channels (the inbox now; e-mail and webhooks plug in the same way)."""
