-- Group modes (issue #3): tiered prices, virtual success, and what each order finally costs.

-- Tiers as text, e.g. '2:3000,3:2500' (size:price in fen, sizes rising); NULL for other modes.
ALTER TABLE activities
  ADD COLUMN tiers VARCHAR(400) NULL,
  ADD COLUMN virtual_success_missing INT NOT NULL DEFAULT 0;

-- NULL until known: paid_amount once paid, final_amount once the group settled (0 when the
-- order was refunded in full), refunded_amount once a refund was confirmed.
ALTER TABLE orders
  ADD COLUMN paid_amount BIGINT NULL,
  ADD COLUMN final_amount BIGINT NULL,
  ADD COLUMN refunded_amount BIGINT NULL;

-- Places a group was granted without a buyer (virtual success), and the price it settled at.
ALTER TABLE purchase_groups
  ADD COLUMN virtual_members INT NULL,
  ADD COLUMN price BIGINT NULL;
