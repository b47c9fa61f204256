-- Whether the order's buyer left its group: expired before the group settled, or unpaid when it
-- succeeded (Redis deletes them from the group's member list then). Once an activity is retired
-- from Redis, a group's members are its orders that did not leave. Only ever set, never cleared,
-- so events applied twice or out of order give the same answer.
ALTER TABLE orders ADD COLUMN left_group BOOLEAN NOT NULL DEFAULT FALSE;
