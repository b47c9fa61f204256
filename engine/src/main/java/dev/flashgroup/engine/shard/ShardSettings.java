package dev.flashgroup.engine.shard;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Stock transfers between the buckets of sharded activities (docs/cluster.md, "Hot activities: shards").
 *
 * @param rebalanceEvery how often the rebalancer looks at every warm sharded activity's buckets
 * @param rebalanceEnabled whether this instance rebalances (any number of instances may)
 * @param finishAfter a transfer taken from one bucket and not yet recorded as given after this long
 *     is finished by the rebalancer (its taker died or lost the connection between the two steps)
 * @param transferMemory how long a bucket remembers the transfer ids it received (a retry within it
 *     adds nothing twice); must exceed {@code finishAfter} by far
 */
@ConfigurationProperties("flashgroup.shards")
public record ShardSettings(
    @DefaultValue("PT1S") Duration rebalanceEvery,
    @DefaultValue("true") boolean rebalanceEnabled,
    @DefaultValue("PT10S") Duration finishAfter,
    @DefaultValue("P2D") Duration transferMemory) {

  public ShardSettings {
    if (transferMemory.compareTo(finishAfter.multipliedBy(10)) < 0) {
      throw new IllegalArgumentException("flashgroup.shards.transfer-memory must be at least ten finish-after");
    }
  }
}
