package dev.flashgroup.loadtest.verifier;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.KeySettings;
import dev.flashgroup.engine.keys.RedisKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/**
 * A quiet deployment with one activity, written the way the Lua scripts and workers leave it:
 * a group that succeeded, a group that failed and was refunded, a solo order still reserved and
 * one that expired. Each instance has its own database and Redis namespace; {@link #close()}
 * removes them.
 */
final class QuietActivity implements AutoCloseable {

  static final long STOCK = 10;

  final String name = "fgv" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  final Connection db;
  final RedisKeys.ActivityKeys keys = new RedisKeys(new KeySettings(name)).of(new ActivityId(1));
  /** Set when the tests run on a Redis Cluster (FLASHGROUP_REDIS_CLUSTER_NODES): the verifier reads it too. */
  private static final String CLUSTER_NODES = System.getenv().getOrDefault("FLASHGROUP_REDIS_CLUSTER_NODES", "");
  /** The one Redis, or the cluster's primary of the activity's slot, which holds all its keys. */
  private final RedisNodes nodes = new RedisNodes(VerifierSettings.from(env(), List.of()));
  final Jedis redis = nodes.of(keys.activity());

  QuietActivity() throws SQLException, IOException {
    try (Connection root = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
        Statement s = root.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    db = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/" + name + "?allowMultiQueries=true", "root", "");
    migrate();
    plant();
  }

  Map<String, String> env() {
    return Map.of("FLASHGROUP_DB_NAME", name, "FLASHGROUP_REDIS_NAMESPACE", name,
        "FLASHGROUP_MESSAGING_PREFIX", name, "FLASHGROUP_API_URL", "", "FLASHGROUP_VERIFY_TIMEOUT", "10",
        "FLASHGROUP_REDIS_CLUSTER_NODES", CLUSTER_NODES);
  }

  void sql(String statement) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute(statement);
    }
  }

  /** The engine's own Flyway migrations, in version order. */
  private void migrate() throws IOException, SQLException {
    Path dir = Path.of("..", "engine", "src", "main", "resources", "db", "migration");
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files = listing.filter(p -> p.getFileName().toString().matches("V\\d+__.*\\.sql"))
          .sorted((a, b) -> Integer.compare(version(a), version(b))).toList();
    }
    for (Path file : files) {
      sql(Files.readString(file));
    }
  }

  private static int version(Path file) {
    String n = file.getFileName().toString();
    return Integer.parseInt(n.substring(1, n.indexOf("__")));
  }

  private void plant() throws SQLException {
    String at = "'2026-11-24 20:00:00'";
    sql("INSERT INTO activities (id, merchant_id, title, mode, group_size, group_price, solo_price, stock, per_user_limit,"
        + " starts_at, ends_at, group_ttl_ms, pay_window_ms, created_at) VALUES (1, 'shop', 'mandarins', 'STANDARD', 2,"
        + " 100, 200, " + STOCK + ", 5, " + at + ", '2026-11-25 20:00:00', 600000, 60000, " + at + ")");
    order("1-1", "1-2", "alice", "SUCCEEDED", 100, 3);
    order("1-3", "1-2", "bob", "SUCCEEDED", 100, 3);
    group("1-2", "SUCCEEDED", 2, 2, 4);
    order("1-4", "", "carol", "RESERVED", 200, 1);
    order("1-5", "", "dave", "EXPIRED", 200, 2);
    order("1-6", "1-7", "erin", "REFUNDED", 100, 4);
    group("1-7", "FAILED", 1, 1, 3);
    payment("tx1", "1-1", 100);
    payment("tx3", "1-3", 100);
    payment("tx6", "1-6", 100);
    sql("INSERT INTO refunds (refund_no, order_id, amount, reason, status, requested_at, confirmed_at)"
        + " VALUES ('RF1-6', '1-6', 100, 'GROUP_FAILED', 'CONFIRMED', " + at + ", " + at + ")");
    // Three units held (1-1, 1-3, 1-4); seven orders and groups numbered.
    redis.hset(keys.activity(), Map.of("activity_id", "1", "stock", Long.toString(STOCK - 3), "seq", "7"));
    redis.xgroupCreate(keys.events(), "relay", StreamEntryID.XGROUP_LAST_ENTRY, true);
  }

  /**
   * Allocates the activity's 10 units to pickup points 3 (6 units) and 5 (4): the held orders 1-1
   * and 1-3 collect at point 3, 1-4 at point 5, as reserve.lua and the workers leave them.
   */
  void allocate() throws SQLException {
    sql("INSERT INTO activity_points (activity_id, point_id, stock) VALUES (1, 3, 6), (1, 5, 4)");
    sql("UPDATE orders SET pickup_point_id = 3 WHERE id IN ('1-1', '1-3', '1-6')");
    sql("UPDATE orders SET pickup_point_id = 5 WHERE id IN ('1-4', '1-5')");
    for (String id : List.of("1-1", "1-3", "1-6")) {
      redis.hset(keys.order(id), "point", "3");
    }
    for (String id : List.of("1-4", "1-5")) {
      redis.hset(keys.order(id), "point", "5");
    }
    redis.hset(keys.activity(), Map.of("pickup", "1", RedisKeys.ActivityKeys.pointStockField(3), "4",
        RedisKeys.ActivityKeys.pointStockField(5), "3"));
  }

  private void order(String id, String group, String buyer, String status, long amount, int version)
      throws SQLException {
    sql("INSERT INTO orders (id, activity_id, group_id, buyer_id, status, amount, pay_by, version, created_at,"
        + " updated_at) VALUES ('" + id + "', 1, " + (group.isEmpty() ? "NULL" : "'" + group + "'") + ", '" + buyer
        + "', '" + status + "', " + amount + ", '2026-11-24 20:01:00', " + version
        + ", '2026-11-24 20:00:00', '2026-11-24 20:00:00')");
    redis.hset(keys.order(id), Map.of("status", status, "buyer", buyer, "group", group,
        "amount", Long.toString(amount), "version", Integer.toString(version)));
  }

  private void group(String id, String status, int members, int paid, int version) throws SQLException {
    sql("INSERT INTO purchase_groups (id, activity_id, leader_id, status, size, members, paid, deadline, version,"
        + " updated_at) VALUES ('" + id + "', 1, 'alice', '" + status + "', 2, " + members + ", " + paid
        + ", '2026-11-24 20:10:00', " + version + ", '2026-11-24 20:00:00')");
    redis.hset(keys.group(id), Map.of("status", status, "size", "2", "members", Integer.toString(members),
        "paid", Integer.toString(paid), "version", Integer.toString(version)));
  }

  private void payment(String tx, String order, long amount) throws SQLException {
    sql("INSERT INTO payments (transaction_id, order_id, amount, paid_at) VALUES ('" + tx + "', '" + order + "', "
        + amount + ", '2026-11-24 20:00:30')");
  }

  @Override
  public void close() throws SQLException {
    sql("DROP DATABASE " + name);
    db.close();
    for (String key : redis.keys(name + ":*")) {
      redis.del(key);
    }
    nodes.close();
  }
}
