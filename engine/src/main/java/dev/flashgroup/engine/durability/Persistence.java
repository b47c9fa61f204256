package dev.flashgroup.engine.durability;

import java.util.List;
import java.util.Optional;

/**
 * What a Redis crash would cost, as read from the server at start-up.
 *
 * @param appendOnly the {@code appendonly} setting, empty when Redis refused CONFIG GET
 * @param appendFsync the {@code appendfsync} setting, empty when refused
 * @param replicas connected replicas, empty when not asked for (min-replicas 0)
 */
record Persistence(Optional<String> appendOnly, Optional<String> appendFsync, Optional<Integer> replicas) {

  /** Plain words for the log, one line per finding. */
  List<String> costOfACrash(int minReplicas) {
    String aof = appendOnly.map(value -> switch (value) {
      case "no" -> "appendonly no: every reservation since the last snapshot is lost if Redis crashes";
      case "yes" -> switch (appendFsync.orElse("unknown")) {
        case "always" -> "appendfsync always: nothing acknowledged is lost if Redis crashes";
        case "everysec" -> "appendfsync everysec: up to 1 s of acknowledged reservations can be lost if Redis crashes";
        case "no" -> "appendfsync no: the operating system decides when the AOF reaches the disk;"
            + " about 30 s of acknowledged reservations can be lost if the machine crashes";
        default -> "appendonly yes, appendfsync " + appendFsync.orElse("unknown")
            + ": how much a crash loses is unknown";
      };
      default -> "appendonly " + value + ": how much a crash loses is unknown";
    }).orElse("Redis refused CONFIG GET (a managed Redis?): its persistence is unknown,"
        + " so what a crash loses is unknown; ask the provider for appendonly and appendfsync");
    if (minReplicas == 0) {
      return List.of(aof);
    }
    int connected = replicas.orElse(0);
    String replication = connected >= minReplicas
        ? connected + " replica(s) connected (" + minReplicas + " required)"
        : "only " + connected + " replica(s) connected of the " + minReplicas + " required"
            + " (flashgroup.redis.min-replicas): a reservation may exist on the primary alone";
    return List.of(aof, replication);
  }

  /**
   * Why this configuration cannot keep an acknowledged reservation, or empty when it can. Fails
   * closed: persistence that cannot be read is not taken on trust.
   */
  Optional<String> whyNotDurable(int minReplicas) {
    if (appendOnly.isEmpty()) {
      return Optional.of("Redis' persistence cannot be read (CONFIG GET refused, or Redis unreachable)");
    }
    if (!"yes".equals(appendOnly.get())) {
      return Optional.of("Redis runs with appendonly " + appendOnly.get());
    }
    if (replicas.orElse(0) < minReplicas) {
      return Optional.of("Redis has " + replicas.orElse(0) + " connected replica(s), "
          + minReplicas + " required (FLASHGROUP_REDIS_MIN_REPLICAS)");
    }
    return Optional.empty();
  }

  boolean lossless() {
    return appendOnly.filter("yes"::equals).isPresent() && appendFsync.filter("always"::equals).isPresent();
  }
}
