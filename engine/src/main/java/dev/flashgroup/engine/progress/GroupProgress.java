package dev.flashgroup.engine.progress;

import dev.flashgroup.engine.order.event.GroupSnapshot;
import java.time.Instant;

/**
 * A group as a buyer watches it fill: members who hold a place, how many paid, places still free,
 * when it closes. {@code version} grows with every change, so an older view never follows a newer.
 */
public record GroupProgress(String groupId, String status, int size, int members, int paid, int freeSlots,
    Instant expiresAt, long version) {

  static GroupProgress of(String groupId, String status, int size, int members, int paid, long deadline,
      long version) {
    int free = "OPEN".equals(status) ? Math.max(0, size - members) : 0;
    return new GroupProgress(groupId, status, size, members, paid, free, Instant.ofEpochMilli(deadline), version);
  }

  /** From the group snapshot the scripts put in their stream entries. */
  static GroupProgress of(GroupSnapshot group) {
    return of(group.id(), group.status().name(), group.size(), group.members(), group.paid(), group.deadline(),
        group.version());
  }

  /** Succeeded or failed: nothing changes any more. */
  public boolean settled() {
    return !"OPEN".equals(status);
  }
}
