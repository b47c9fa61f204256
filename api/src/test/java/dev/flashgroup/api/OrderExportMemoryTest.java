package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.support.IsolatedServices;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.scheduler.Schedulers;

/**
 * The CSV export streams: 100,000 orders leave as MySQL sends them and are never held together.
 * The client (in this JVM, like the server) reads slowly, releasing what it read, and at every
 * megabyte forces a GC and samples the heap in use. Rows collected into a list before writing
 * would stay reachable until the last one is written: tens of megabytes at every sample.
 */
@IsolatedServices
@ApiTest
class OrderExportMemoryTest {

  private static final int ORDERS = 100_000;
  /** "A few MB": rows held in a list take about 250 bytes each, 25 MB for these. */
  private static final long MOST_GROWTH = 8L * 1024 * 1024;
  private static final Duration PATIENCE = Duration.ofMinutes(3);

  @LocalServerPort int port;
  @Autowired DatabaseClient db;

  @Test
  void aHundredThousandRowExportDoesNotGrowTheHeapByMoreThanAFewMegabytes() {
    long activity = activityWithOrders("bulk-shop", ORDERS);
    long baseline = usedHeapAfterGc();
    AtomicLong lines = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong highest = new AtomicLong(baseline);

    WebClient.builder().baseUrl("http://localhost:" + port).build().get()
        .uri("/api/v1/merchant/orders?activityId={a}", activity)
        .headers(h -> h.setBearerAuth(Tokens.of("MERCHANT", "bulk-shop")))
        .accept(MediaType.parseMediaType("text/csv"))
        .retrieve().bodyToFlux(DataBuffer.class)
        // Read on a thread of our own, a few buffers at a time, so the server waits for us.
        .publishOn(Schedulers.boundedElastic(), 4)
        .doOnNext(buffer -> {
          long before = bytes.get();
          for (int i = buffer.readPosition(); i < buffer.writePosition(); i++) {
            if (buffer.getByte(i) == '\n') {
              lines.incrementAndGet();
            }
          }
          long after = bytes.addAndGet(buffer.readableByteCount());
          DataBufferUtils.release(buffer);
          if (after / (1024 * 1024) > before / (1024 * 1024)) {
            highest.accumulateAndGet(usedHeapAfterGc(), Math::max);
          }
        })
        .then().block(PATIENCE);

    assertThat(lines.get()).isEqualTo(ORDERS + 1);
    assertThat(bytes.get()).isGreaterThan(5L * 1024 * 1024);
    assertThat(highest.get() - baseline).as("heap growth while streaming %d rows (%d bytes)", ORDERS, bytes.get())
        .isLessThan(MOST_GROWTH);
  }

  /** An activity long over, and its orders written straight into MySQL in one statement. */
  private long activityWithOrders(String merchant, int count) {
    LocalDateTime past = LocalDateTime.ofInstant(Instant.now().minus(Duration.ofDays(30)), ZoneOffset.UTC);
    long activity = db.sql("INSERT INTO activities (merchant_id, title, mode, group_size, group_price, solo_price,"
            + " stock, per_user_limit, starts_at, ends_at, group_ttl_ms, pay_window_ms, created_at)"
            + " VALUES (:m, 'Bulk mandarins', 'STANDARD', 2, 2990, 3990, :n, 1, :t, :t, 60000, 60000, :t)")
        .bind("m", merchant).bind("n", count).bind("t", past)
        .filter(s -> s.returnGeneratedValues("id")).map(r -> r.get("id", Long.class)).one().block(PATIENCE);
    String digits = "(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4"
        + " UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)";
    db.sql("INSERT INTO orders (id, activity_id, merchant_id, buyer_id, status, amount, pay_by, version, paid_amount,"
            + " final_amount, created_at, updated_at)"
            + " SELECT CONCAT(:a, '-', n), :a, :m, CONCAT('bulk-buyer-', n), 'PICKED_UP', 3990, :t, 4, 3990, 3990,"
            + " DATE_ADD(:t, INTERVAL n * 1000 MICROSECOND), :t FROM (SELECT 1 + a.d + 10 * b.d + 100 * c.d"
            + " + 1000 * e.d + 10000 * f.d AS n FROM " + digits + " a CROSS JOIN " + digits + " b CROSS JOIN "
            + digits + " c CROSS JOIN " + digits + " e CROSS JOIN " + digits + " f) numbers WHERE n <= :count")
        .bind("a", activity).bind("m", merchant).bind("t", past).bind("count", count)
        .fetch().rowsUpdated().block(PATIENCE);
    return activity;
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
