package dev.flashgroup.engine.order;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Which merchant an activity belongs to, for the ledger's rows that carry it (orders, stock alerts).
 * An activity's merchant never changes, so it is cached (bounded by size). The ledger fills the cache
 * for a batch's activities with a plain SELECT before its transaction begins ({@link #load}): reading
 * the activity inside the batch's INSERTs (a subquery or INSERT ... SELECT) would take a shared lock on
 * its row until the batch commits, and the merchant's edits and stock changes to the activity would
 * queue behind the batches of a busy evening. An activity not (yet) in MySQL has no merchant: its rows
 * go without one, as before (the orders upsert fills it in from a later batch).
 */
@Component
public class ActivityMerchants {

  private final DatabaseClient db;
  private final Cache<Long, String> merchants = Caffeine.newBuilder().maximumSize(10_000).build();

  ActivityMerchants(DatabaseClient db) {
    this.db = db;
  }

  /** Looks up the activities not cached yet (one plain, non-locking SELECT); call it outside a transaction. */
  Mono<Void> load(Collection<Long> activityIds) {
    Set<Long> missing = new TreeSet<>();
    for (Long id : activityIds) {
      if (merchants.getIfPresent(id) == null) {
        missing.add(id);
      }
    }
    if (missing.isEmpty()) {
      return Mono.empty();
    }
    return db.sql("SELECT id, merchant_id FROM activities WHERE id IN (:ids)").bind("ids", List.copyOf(missing))
        .map((row, meta) -> {
          merchants.put(row.get("id", Long.class), row.get("merchant_id", String.class));
          return 1;
        })
        .all().then();
  }

  /** The activity's merchant as {@link #load} found it; null when the activity was not found. */
  public String of(long activityId) {
    return merchants.getIfPresent(activityId);
  }
}
