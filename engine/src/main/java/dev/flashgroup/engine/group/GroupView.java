package dev.flashgroup.engine.group;

import java.time.Instant;
import java.util.List;

/**
 * A group's live state: who is in it, how many paid, how many places are left and until when.
 * {@code virtualMembers} are places a group was granted without a buyer when it succeeded one or
 * more members short (virtual success); they took no stock. {@code price} is what each member pays
 * once the group succeeded (the tier reached for TIERED), null before.
 */
public record GroupView(String id, long activityId, String status, String leaderId, int size, List<String> members,
    int paid, int remainingSlots, Instant deadline, int virtualMembers, Long price) {}
