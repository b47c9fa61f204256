package dev.flashgroup.loadtest.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verifier against a real MariaDB, Redis and RabbitMQ, with faults planted on purpose. */
class VerifierTest {

  private QuietActivity deployment;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  @BeforeEach
  void plant() throws Exception {
    deployment = new QuietActivity();
  }

  @AfterEach
  void remove() throws Exception {
    deployment.close();
  }

  @Test
  void passesAConsistentDeployment() {
    assertEquals(0, verify(), output());
    assertTrue(output().contains("no violations"), output());
    assertTrue(output().matches("(?s).*\\n1\\s+10\\s+5\\s+3\\s+2\\s+1\\s+1\\s+0\\n.*"), output());
  }

  @Test
  void namesAnOrderRowNoReservationMade() throws Exception {
    deployment.sql("INSERT INTO orders (id, activity_id, group_id, buyer_id, status, amount, pay_by, version,"
        + " created_at, updated_at) VALUES ('1-99', 1, NULL, 'mallory', 'EXPIRED', 200, NOW(), 2, NOW(), NOW())");

    assertViolation("EXTRA_ORDER", "order 1-99 is in MySQL but was never reserved in Redis");
  }

  @Test
  void namesALostOrderRow() throws Exception {
    deployment.sql("DELETE FROM orders WHERE id = '1-4'");

    assertViolation("LOST_ORDER", "order 1-4 was reserved in Redis but has no row in MySQL");
  }

  @Test
  void namesARedisStockCounterOffByOne() {
    deployment.redis.hincrBy(deployment.keys.activity(), "stock", 1);

    assertViolation("STOCK_MISMATCH", "Redis says 8 units left; MySQL derives 10 - 3 held = 7");
  }

  @Test
  void namesAnOversoldActivity() throws Exception {
    deployment.sql("UPDATE activities SET stock = 2");

    assertViolation("OVERSOLD", "MySQL: 3 units held by live orders, stock 2");
  }

  @Test
  void passesAConsistentDeploymentWithPickupPoints() throws Exception {
    deployment.allocate();

    assertEquals(0, verify(), output());
  }

  @Test
  void namesAPickupPointHoldingMoreThanItsAllocation() throws Exception {
    deployment.allocate();
    deployment.sql("UPDATE activity_points SET stock = 1 WHERE point_id = 3");
    deployment.sql("UPDATE activity_points SET stock = 9 WHERE point_id = 5");

    assertViolation("POINT_OVERSOLD", "MySQL: point 3: 2 units held by live orders, allocation 1");
  }

  @Test
  void passesAnOrderHandedOutAtItsPoint() throws Exception {
    deployment.allocate();
    deployment.sql("UPDATE orders SET status = 'PICKED_UP', picked_up_at = NOW(3) WHERE id = '1-1'");
    deployment.redis.hset(deployment.keys.order("1-1"), "status", "PICKED_UP");

    assertEquals(0, verify(), output());
  }

  @Test
  void namesAnOrderHandedOutWithoutAPoint() throws Exception {
    deployment.sql("UPDATE orders SET status = 'PICKED_UP' WHERE id = '1-1'");
    deployment.redis.hset(deployment.keys.order("1-1"), "status", "PICKED_UP");

    assertViolation("PICKUP", "order 1-1 is PICKED_UP but has no pickup point");
  }

  @Test
  void namesARedisPointCounterOffByOne() throws Exception {
    deployment.allocate();
    deployment.redis.hincrBy(deployment.keys.activity(), "point:5", 1);

    assertViolation("POINT_STOCK_MISMATCH", "Redis says 4 units left at point 5; MySQL derives 4 - 1 held = 3");
  }

  @Test
  void namesAPaidOrderOfAFailedGroupThatWasNotRefunded() throws Exception {
    deployment.sql("UPDATE orders SET status = 'PAID' WHERE id = '1-6'");
    deployment.redis.hset(deployment.keys.order("1-6"), "status", "PAID");

    assertViolation("MONEY", "order 1-6 is PAID but was refunded as RF1-6");
  }

  @Test
  void passesAnExactLeaderCommission() throws Exception {
    commission(299);

    assertEquals(0, verify(), output());
  }

  @Test
  void namesALeaderCommissionOffByAFen() throws Exception {
    commission(300);

    assertViolation("COMMISSION", "order 1-1: commission 300, entries 300, base 299; its facts imply 299 (base 299)");
  }

  /** Order 1-1 credited to a leader at 10 % of 2,990 fen, with one EXPECTED entry of {@code amount}. */
  private void commission(long amount) throws Exception {
    deployment.sql("UPDATE orders SET leader_id = 'lead-1' WHERE id = '1-1'");
    deployment.sql("INSERT INTO commissions (order_id, leader_id, activity_id, bps, paid_amount, stage, total, base,"
        + " version, created_at, updated_at) VALUES ('1-1', 'lead-1', 1, 1000, 2990, 'EXPECTED', " + amount
        + ", 299, 1, NOW(3), NOW(3))");
    deployment.sql("INSERT INTO commission_entries (leader_id, order_id, kind, ref, amount, stage, reason, created_at)"
        + " VALUES ('lead-1', '1-1', 'EXPECTED', '', " + amount + ", 'EXPECTED', 'PAID', NOW(3))");
  }

  @Test
  void namesAnAcknowledgedReservationWithoutARow(@TempDir Path dir) throws Exception {
    Path acknowledged = Files.write(dir.resolve("acked.txt"), List.of("1-1", "1-3", "1-42"));

    assertViolation(List.of("--acknowledged", acknowledged.toString()), "LOST_ORDER",
        "order 1-42 was acknowledged by the API but has no row in MySQL");
  }

  private void assertViolation(String kind, String detail) {
    assertViolation(List.of(), kind, detail);
  }

  private void assertViolation(List<String> args, String kind, String detail) {
    assertEquals(1, verify(args), output());
    assertTrue(output().contains("a1  " + kind + "  " + detail), output());
  }

  private int verify() {
    return verify(List.of());
  }

  private int verify(List<String> args) {
    List<String> all = new ArrayList<>(args);
    all.add("1");
    VerifierSettings settings = VerifierSettings.from(deployment.env(), all);
    return new Verifier(settings, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
  }

  private String output() {
    return printed.toString(StandardCharsets.UTF_8);
  }
}
