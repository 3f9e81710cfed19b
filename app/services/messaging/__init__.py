"""Messages out: e-mail, webhooks, domain events and the outbox worker that delivers them."""
