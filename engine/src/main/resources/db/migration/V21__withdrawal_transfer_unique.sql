-- One transfer pays one withdrawal: a reference marks at most one withdrawal PAID (NULL, the
-- reference of those pending or rejected, may repeat).
ALTER TABLE withdrawals ADD UNIQUE KEY ux_withdrawals_transfer (transfer_reference);
