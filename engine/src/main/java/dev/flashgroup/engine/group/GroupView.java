package dev.flashgroup.engine.group;

import java.time.Instant;
import java.util.List;

/** A group's live state: who is in it, how many paid, how many places are left and until when. */
public record GroupView(String id, long activityId, String status, String leaderId, int size, List<String> members,
    int paid, int remainingSlots, Instant deadline) {}
