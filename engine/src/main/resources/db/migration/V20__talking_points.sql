-- The merchant's talking points for leaders (素材库): optional, at most 2,000 characters (checked
-- by ActivityDraft before it gets here). The index serves the leaders' materials, which list the
-- activities that have not ended yet, by start.
ALTER TABLE activities ADD COLUMN talking_points VARCHAR(2000) NULL;
ALTER TABLE activities ADD KEY ix_activities_current (ends_at, starts_at);
