package dev.flashgroup.engine.order.event;

import dev.flashgroup.engine.group.GroupStatus;
import dev.flashgroup.engine.kernel.ActivityId;

/**
 * A group as a script left it: {@code members} hold a place, {@code paid} of them paid;
 * {@code deadline} in epoch milliseconds. {@code virtualMembers} and {@code price} are written
 * once the group settled (and by the scripts that read them), null otherwise.
 */
public record GroupSnapshot(String id, ActivityId activityId, GroupStatus status, int size, int members, int paid,
    long deadline, int version, String leader, @MayBeAbsent Integer virtualMembers, @MayBeAbsent Long price) {}
