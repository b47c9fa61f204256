-- Issue #12, review: a bound on claims per order, and the merchant's order listing without an activity.

-- Claims one order has taken in all (pending, approved, refunded, refund-abnormal or rejected),
-- taken in the same conditional UPDATE as the amount, so concurrent filings stay within
-- flashgroup.claims.max-per-order. Counted from the claims filed before this column.
ALTER TABLE claim_balances ADD COLUMN claims INT NOT NULL DEFAULT 0;
UPDATE claim_balances SET claims = (SELECT COUNT(*) FROM claims WHERE claims.order_id = claim_balances.order_id);

-- The order's merchant (its activity's, which never changes), written by the projector with the
-- order's first row, so a merchant's listing across all its activities reads one index in order
-- ((merchant_id, created_at, id), the keyset) instead of joining activities and sorting every
-- order. NULL only for an order projected before its activity's row existed (never in practice:
-- an activity is in MySQL before it sells); a later snapshot fills it in.
ALTER TABLE orders ADD COLUMN merchant_id VARCHAR(64) NULL;
UPDATE orders o JOIN activities a ON a.id = o.activity_id SET o.merchant_id = a.merchant_id WHERE o.merchant_id IS NULL;
CREATE INDEX ix_orders_merchant_created ON orders (merchant_id, created_at, id);
