-- Each instance's leader directory reloads the bindings referred within flashgroup.leaders.binding,
-- the most recent first and at most flashgroup.leaders.max-bindings of them, every refresh: an index
-- on last_referred_at lets MySQL read just those instead of scanning and sorting the whole table.
CREATE INDEX ix_leader_bindings_referred ON leader_bindings (last_referred_at);

-- Each instance looks every flashgroup.rehearsal.look-interval for the next opening within
-- flashgroup.rehearsal.ahead, to rehearse it: by start, not by scanning every activity ever scheduled.
CREATE INDEX ix_activities_starts ON activities (starts_at);
