-- The provider's own id of a payment before it is paid (Stripe PaymentIntent id), needed to query or cancel it.
ALTER TABLE payment ADD COLUMN provider_payment_id VARCHAR(128);
