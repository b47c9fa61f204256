-- Who handed the order out (the staff token's subject), written with picked_up_at by the projector
-- from OrderPickedUp, or by the hand-out of an order only MySQL holds: the pickup's durable record,
-- whatever became of its row in pickup_verifications.
ALTER TABLE orders ADD COLUMN picked_up_by VARCHAR(64) NULL;
