package dev.flashgroup.engine.order;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.order.MerchantOrders.Filter;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The merchant's listing without an activity reads the order's own {@code merchant_id} by
 * {@code ix_orders_merchant_created} in the listing's order (no join with activities, no sort of
 * every order), and answers the merchant's orders only, newest first.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
class MerchantOrdersPlanTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final int ORDERS_EACH = 2_000;

  @Autowired MerchantOrders orders;
  @Autowired DatabaseClient db;

  @BeforeEach
  void twoMerchantsOrders() {
    if (count("SELECT COUNT(*) AS n FROM orders WHERE merchant_id = 'plan-a'") > 0) {
      return;
    }
    insert(activity("plan-a"), "plan-a");
    insert(activity("plan-b"), "plan-b");
    db.sql("ANALYZE TABLE orders").fetch().all().then().block(PATIENCE);
  }

  @Test
  void aMerchantsListingWithoutAnActivityReadsItsOwnIndexInOrder() {
    Filter mine = new Filter("plan-a", null, null, null, null, null);
    List<Map<String, Object>> plan = orders.statement("EXPLAIN ", mine, null, " LIMIT 50").fetch().all()
        .collectList().block(PATIENCE);

    assertThat(plan).hasSize(1);
    assertThat(plan.get(0).get("key")).isEqualTo("ix_orders_merchant_created");
    assertThat(String.valueOf(plan.get(0).get("Extra"))).doesNotContain("filesort");

    var page = orders.page(mine, null, 50).collectList().block(PATIENCE);
    assertThat(page).hasSize(50).allSatisfy(r -> assertThat(r.buyerId()).startsWith("plan-a-"));
    assertThat(page).extracting(MerchantOrders.Row::createdAt)
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
    var next = orders.page(mine, MerchantOrders.Cursor.after(page.get(49)), 50).collectList().block(PATIENCE);
    assertThat(next).hasSize(50).allSatisfy(r -> assertThat(r.createdAt()).isBeforeOrEqualTo(page.get(49).createdAt()))
        .noneMatch(r -> page.stream().anyMatch(p -> p.orderId().equals(r.orderId())));
  }

  private long activity(String merchant) {
    LocalDateTime past = LocalDateTime.ofInstant(Instant.now().minus(Duration.ofDays(3)), ZoneOffset.UTC);
    return db.sql("INSERT INTO activities (merchant_id, title, mode, group_size, group_price, solo_price,"
            + " stock, per_user_limit, starts_at, ends_at, group_ttl_ms, pay_window_ms, created_at)"
            + " VALUES (:m, '计划', 'STANDARD', 2, 2990, 3990, 5000, 1, :t, :t, 60000, 60000, :t)")
        .bind("m", merchant).bind("t", past)
        .filter(s -> s.returnGeneratedValues("id")).map(r -> r.get("id", Long.class)).one().block(PATIENCE);
  }

  /** {@value #ORDERS_EACH} orders of the activity, one a millisecond, the merchant's as the projector writes it. */
  private void insert(long activity, String merchant) {
    LocalDateTime past = LocalDateTime.ofInstant(Instant.now().minus(Duration.ofDays(3)), ZoneOffset.UTC);
    String digits = "(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4"
        + " UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)";
    db.sql("INSERT INTO orders (id, activity_id, merchant_id, buyer_id, status, amount, pay_by, version,"
            + " created_at, updated_at) SELECT CONCAT(:a, '-', n), :a, :m, CONCAT(:m, '-', n), 'RESERVED', 3990, :t, 1,"
            + " DATE_ADD(:t, INTERVAL n * 1000 MICROSECOND), :t FROM (SELECT 1 + a.d + 10 * b.d + 100 * c.d"
            + " + 1000 * e.d AS n FROM " + digits + " a CROSS JOIN " + digits + " b CROSS JOIN " + digits + " c"
            + " CROSS JOIN " + digits + " e) numbers WHERE n <= :count")
        .bind("a", activity).bind("m", merchant).bind("t", past).bind("count", ORDERS_EACH).then().block(PATIENCE);
  }

  private long count(String sql) {
    return db.sql(sql).map(r -> ((Number) r.get("n")).longValue()).one().block(PATIENCE);
  }
}
