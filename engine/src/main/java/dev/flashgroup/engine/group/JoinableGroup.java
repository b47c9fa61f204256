package dev.flashgroup.engine.group;

import java.time.Instant;

/** An open group that still takes members: "only {@code freeSlots} more needed". */
public record JoinableGroup(String id, int freeSlots, int members, int size, Instant deadline) {}
