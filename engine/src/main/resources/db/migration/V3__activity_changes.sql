-- Merchants edit, cancel and restock activities (issue #3, item 4).
-- cancelled_at set means the activity is CANCELLED, whatever its window says.
ALTER TABLE activities
  ADD COLUMN cancelled_at DATETIME(3) NULL,
  ADD COLUMN updated_at   DATETIME(3) NULL;
