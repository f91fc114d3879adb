"""Payment gateways. Each module (stripe, demo) has the same functions:
checkout_session_create, checkout_session_retrieve, checkout_session_expire and
refund_create; checkout.services.payments picks one per payment."""
