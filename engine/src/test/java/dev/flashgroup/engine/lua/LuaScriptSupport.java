package dev.flashgroup.engine.lua;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.KeySettings;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.order.event.EventReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.DataType;
import dev.flashgroup.engine.support.TestRedis;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.connection.ReactiveSubscription.Message;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the engine's Lua scripts against the real Redis on 127.0.0.1:6379, exactly as the engine
 * loads them. Each test class owns a random key namespace, so classes can share the server with each
 * other and with a running application; the namespace is emptied after every test. Time is always
 * an argument, so every test is deterministic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LuaScriptSupport {

  static final Duration TIMEOUT = Duration.ofSeconds(15);
  static final ActivityId ACTIVITY = new ActivityId(42);
  static final String RELAY_GROUP = "relay";

  static final long STARTS_AT = 1_800_000_000_000L;
  static final long ENDS_AT = STARTS_AT + Duration.ofHours(2).toMillis();
  static final long NOW = STARTS_AT + Duration.ofMinutes(1).toMillis();
  static final long GROUP_TTL_MS = Duration.ofMinutes(30).toMillis();
  static final int MAX_STOCK_TOTAL = 1_000;
  static final long PAY_WINDOW_MS = Duration.ofMinutes(5).toMillis();
  /** When a reservation made at {@link #NOW} is due for expiry. */
  static final long PAY_BY = NOW + PAY_WINDOW_MS;
  /** When a group opened at {@link #NOW} is due to fail. */
  static final long GROUP_DEADLINE = NOW + GROUP_TTL_MS;
  static final long GROUP_PRICE = 990;
  static final long SOLO_PRICE = 1_490;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  enum Kind { OPEN, JOIN, MATCH, SOLO }

  /** What reserve.lua answers: {outcome, order id, group id, amount, pay by}. */
  record Reply(String outcome, String orderId, String groupId, long amount, long payBy) {

    static Reply of(List<?> reply) {
      if (reply.size() != 5) {
        throw new IllegalStateException("reserve.lua answered " + reply);
      }
      return new Reply(String.valueOf(reply.get(0)), String.valueOf(reply.get(1)), String.valueOf(reply.get(2)),
          Long.parseLong(String.valueOf(reply.get(3))), Long.parseLong(String.valueOf(reply.get(4))));
    }

    static Reply refused(String code) {
      return new Reply(code, "", "", 0, 0);
    }
  }

  /**
   * The activity fields tests vary; prices, window and durations are the constants above.
   * {@code tiers} is the warmed text ({@code 2:3000,3:2500}), empty for untiered modes.
   */
  record ActivitySpec(int stock, int perUserLimit, int groupSize, String mode, String tiers, int virtualMissing) {

    static ActivitySpec standard() {
      return new ActivitySpec(10, 2, 3, "STANDARD", "", 0);
    }

    /** Tiers 2 → 3000, 3 → 2500 (warmed as TIERED warms them: size of the largest, price of the smallest). */
    static ActivitySpec tiered() {
      return new ActivitySpec(10, 2, 3, "TIERED", "2:3000,3:2500", 0);
    }

    ActivitySpec withStock(int stock) {
      return new ActivitySpec(stock, perUserLimit, groupSize, mode, tiers, virtualMissing);
    }

    ActivitySpec withPerUserLimit(int perUserLimit) {
      return new ActivitySpec(stock, perUserLimit, groupSize, mode, tiers, virtualMissing);
    }

    ActivitySpec withGroupSize(int groupSize) {
      return new ActivitySpec(stock, perUserLimit, groupSize, mode, tiers, virtualMissing);
    }

    ActivitySpec withMode(String mode) {
      return new ActivitySpec(stock, perUserLimit, groupSize, mode, tiers, virtualMissing);
    }

    ActivitySpec withVirtualMissing(int virtualMissing) {
      return new ActivitySpec(stock, perUserLimit, groupSize, mode, tiers, virtualMissing);
    }

    long groupPrice() {
      return tiers.isEmpty() ? GROUP_PRICE : Long.parseLong(tiers.split(",")[0].split(":")[1]);
    }
  }

  /** One stream entry: its type and its parsed JSON data. */
  record Event(String type, JsonNode data) {}

  private final String namespace = "fgt" + UUID.randomUUID();
  final RedisKeys.ActivityKeys keys = new RedisKeys(new KeySettings(namespace)).of(ACTIVITY);
  final String restockChannel = new RedisKeys(new KeySettings(namespace)).restockChannel();
  /** The keys outside any activity, in this class's namespace. */
  final RedisKeys namespaceKeys = new RedisKeys(new KeySettings(namespace));
  final LettuceConnectionFactory connections = connect();
  final ReactiveStringRedisTemplate redis = new ReactiveStringRedisTemplate(connections);

  private final ScriptSlotCheck slots = new ScriptSlotCheck(namespace);
  private static final RedisScript<Long> PUBLISH_FROM_ACTIVITY_NODE =
      RedisScript.of("return redis.call('PUBLISH', ARGV[1], ARGV[2])", Long.class);

  private final RedisScript<String> warmActivity = script("warm_activity", String.class);
  private final RedisScript<List<?>> reserve = listScript("reserve");
  private final RedisScript<List<?>> confirmPayment = listScript("confirm_payment");
  private final RedisScript<String> confirmRefund = script("confirm_refund", String.class);
  private final RedisScript<Long> expireReservations = script("expire_reservations", Long.class);
  private final RedisScript<Long> settleGroups = script("settle_groups", Long.class);
  private final RedisScript<String> editActivity = script("edit_activity", String.class);
  private final RedisScript<List<?>> cancelActivity = listScript("cancel_activity");
  private final RedisScript<List<?>> addStock = listScript("add_stock");
  private final RedisScript<List<?>> moveAllocation = listScript("move_allocation");
  private final RedisScript<List<?>> verifyPickup = listScript("verify_pickup");
  private final RedisScript<String> closePoint = script("close_point", String.class);
  private final RedisScript<List<?>> rollOverPickups = listScript("roll_over_pickups");
  private final RedisScript<List<?>> takeReminders = listScript("take_reminders");
  private final RedisScript<List<?>> rebuildActivity = listScript("rebuild_activity");

  private static LettuceConnectionFactory connect() {
    return TestRedis.factory();
  }

  /**
   * The script text is read here, once, on the test thread. A script built straight from the
   * resource re-reads the file in the EVAL fallback after NOSCRIPT, which runs on a Lettuce event
   * loop and is a blocking call BlockHound rejects (first run against a Redis without the script).
   */
  private static <T> RedisScript<T> script(String name, Class<T> returns) {
    try {
      return RedisScript.of(new ClassPathResource("lua/" + name + ".lua").getContentAsString(UTF_8), returns);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read lua/" + name + ".lua", e);
    }
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static RedisScript<List<?>> listScript(String name) {
    return (RedisScript) script(name, List.class);
  }

  /** Every event a test made reads with the production reader: a field misspelt in Lua fails the test. */
  @AfterEach
  void readEveryEventStrictlyThenDeleteNamespace() {
    try {
      redis.scan(ScanOptions.scanOptions().match(namespace + ":*").type(DataType.STREAM).count(1_000).build())
          .concatMap(stream -> redis.<String, String>opsForStream().range(stream, Range.unbounded()))
          .map(entry -> entry.getValue())
          .collectList()
          .block(TIMEOUT)
          .forEach(entry -> EventReader.read(entry.get("type"), entry.get("data")));
    } finally {
      attemptsPerSecond = 0;
      deleteNamespace();
    }
  }

  void deleteNamespace() {
    redis.scan(ScanOptions.scanOptions().match(namespace + ":*").count(1_000).build())
        .buffer(500)
        .concatMap(batch -> redis.delete(batch.toArray(String[]::new)))
        .then()
        .block(TIMEOUT);
  }

  @BeforeAll
  void watchSlots() {
    slots.start();
  }

  @AfterAll
  void disconnect() throws InterruptedException {
    try {
      assertThat(slots.stopAndCheck()).as("keys touched outside their script's cluster slot").isEmpty();
    } finally {
      deleteNamespace();
      connections.destroy();
    }
  }

  // --- the scripts, as the engine calls them ---

  Mono<String> warm(ActivitySpec spec) {
    return warm(spec, new long[0][]);
  }

  /** Warms an activity that delivers to pickup points: {point id, share} pairs (summing to the spec's stock). */
  Mono<String> warm(ActivitySpec spec, long[]... shares) {
    return warm(spec, List.of(), shares);
  }

  /** As {@link #warm(ActivitySpec, long[]...)}, with further terms (pickup windows, perishable) as field, value pairs. */
  Mono<String> warm(ActivitySpec spec, List<String> moreTerms, long[]... shares) {
    List<String> args = new java.util.ArrayList<>(List.of(RELAY_GROUP));
    args.addAll(terms(spec, shares));
    args.addAll(moreTerms);
    return redis.execute(warmActivity, List.of(keys.activity(), keys.events()), args).single();
  }

  /** The activity's terms as warm_activity (and rebuild_activity's FINISH) take them. */
  static List<String> terms(ActivitySpec spec, long[]... shares) {
    List<String> args = new java.util.ArrayList<>(List.of(
        "activity_id", ACTIVITY.toString(),
        "mode", spec.mode(),
        "starts_at", Long.toString(STARTS_AT),
        "ends_at", Long.toString(ENDS_AT),
        "stock", Integer.toString(spec.stock()),
        "stock_total", Integer.toString(spec.stock()),
        "per_user_limit", Integer.toString(spec.perUserLimit()),
        "group_size", Integer.toString(spec.groupSize()),
        "group_price", Long.toString(spec.groupPrice()),
        "solo_price", Long.toString(SOLO_PRICE),
        "group_ttl_ms", Long.toString(GROUP_TTL_MS),
        "pay_window_ms", Long.toString(PAY_WINDOW_MS),
        "tiers", spec.tiers(),
        "virtual_missing", Integer.toString(spec.virtualMissing()),
        "pickup", shares.length == 0 ? "0" : "1"));
    for (long[] share : shares) {
      args.add(RedisKeys.ActivityKeys.pointStockField(share[0]));
      args.add(Long.toString(share[1]));
    }
    return args;
  }

  /** Runs one step of rebuild_activity.lua as ActivityRebuild does; answers {outcome, n}. */
  Mono<List<String>> rebuild(String step, String owner, long now, List<String> payload) {
    List<String> args = new java.util.ArrayList<>(List.of(keys.prefix(), step, owner, "30000", Long.toString(now)));
    args.addAll(payload);
    return redis.execute(rebuildActivity,
            List.of(keys.activity(), keys.quota(), keys.paymentDeadlines(), keys.groupDeadlines(), keys.openGroups(),
                keys.events(), keys.rebuild(), keys.stagedPaymentDeadlines(), keys.stagedGroupDeadlines(),
                keys.stagedOpenGroups(), keys.retirement(), keys.pickupDeadlines(), keys.pickupReminders(),
                keys.stagedPickupDeadlines(), keys.stagedPickupReminders()),
            args)
        .single()
        .map(reply -> reply.stream().map(String::valueOf).toList());
  }

  /** Attempts a buyer may make per second in {@link #reserve}; 0 (off) unless a test limits them. */
  int attemptsPerSecond = 0;

  /** Runs reserve.lua; a null idempotency key is passed as "no key" (ARGV[7] = '0'). */
  Mono<Reply> reserve(Kind kind, String buyer, long now, String groupId, String idempotencyKey) {
    return reserve(kind, buyer, now, groupId, idempotencyKey, "");
  }

  /** Runs reserve.lua naming a pickup point ({@code ""}: none), with the fingerprint Reservations builds. */
  Mono<Reply> reserve(Kind kind, String buyer, long now, String groupId, String idempotencyKey, String point) {
    return reserve(kind, buyer, now, groupId, idempotencyKey, point, List.of());
  }

  /** Runs reserve.lua with attribution candidates: referrer, bound leader, point leader ({@code ""}: none). */
  Mono<Reply> reserve(Kind kind, String buyer, long now, String groupId, String idempotencyKey, String point,
      List<String> candidates) {
    boolean idempotent = idempotencyKey != null;
    List<String> keyList = List.of(keys.activity(), keys.quota(), keys.paymentDeadlines(), keys.groupDeadlines(),
        keys.openGroups(), keys.events(), keys.idempotency(buyer, idempotent ? idempotencyKey : "-"),
        keys.attempts(buyer));
    List<String> args = List.of(keys.prefix(), kind.name(), buyer, Long.toString(now), groupId, "600",
        idempotent ? "1" : "0", kind.name() + " " + groupId + (point.isEmpty() ? "" : " point " + point),
        Integer.toString(attemptsPerSecond), point);
    if (!candidates.isEmpty()) {
      args = new java.util.ArrayList<>(args);
      args.addAll(candidates);
    }
    return redis.execute(reserve, keyList, args).single().map(Reply::of);
  }

  /** Runs confirm_payment.lua; answers {outcome, order status}. */
  Mono<List<String>> confirmPayment(String orderId, String tx, long amount, long now) {
    return redis.execute(confirmPayment,
            List.of(keys.activity(), keys.paymentDeadlines(), keys.groupDeadlines(), keys.openGroups(), keys.events(),
                keys.retirement(), keys.pickupDeadlines(), keys.pickupReminders()),
            List.of(keys.prefix(), orderId, tx, Long.toString(amount), Long.toString(now)))
        .single()
        .map(reply -> reply.stream().map(String::valueOf).toList());
  }

  Mono<String> confirmRefund(String orderId, String refundNo, long now) {
    return redis.execute(confirmRefund, List.of(keys.events()),
        List.of(keys.prefix(), orderId, refundNo, Long.toString(now))).single();
  }

  /**
   * What the scripts published on the restock channel while {@code action} ran. Two markers frame
   * the listening: messages one node publishes on a channel arrive in order, so whatever was
   * published before the action (an earlier script whose message is still crossing the cluster
   * bus) comes before the first marker, and whatever the action published comes before the second.
   * The markers are published by a script on the activity's keys, so on a cluster they leave from
   * the same node as the scripts' messages (one published straight to the subscriber's node could
   * overtake them on the cluster bus).
   */
  List<String> restocksDuring(Mono<?> action) {
    String start = "start-" + UUID.randomUUID();
    String end = "end-" + UUID.randomUUID();
    return redis.listenToChannelLater(restockChannel)
        .flatMapMany(messages -> {
          Flux<String> heard = messages.map(Message::getMessage).cache();
          Mono<Void> afterStart = heard.filter(start::equals).next().then();
          return Flux.merge(heard,
              publishFromActivityNode(start)
                  .then(afterStart)
                  .then(action)
                  .then(publishFromActivityNode(end))
                  .then(Mono.<String>empty()));
        })
        .skipUntil(start::equals)
        .skip(1)
        .takeUntil(end::equals)
        .filter(message -> !message.equals(end))
        .collectList()
        .block(TIMEOUT);
  }

  private Mono<Void> publishFromActivityNode(String message) {
    return redis.execute(PUBLISH_FROM_ACTIVITY_NODE, List.of(keys.activity()), List.of(restockChannel, message))
        .then();
  }

  Mono<Long> expireReservations(long now, int batch) {
    return redis.execute(expireReservations,
            List.of(keys.activity(), keys.quota(), keys.paymentDeadlines(), keys.openGroups(), keys.events()),
            List.of(keys.prefix(), Long.toString(now), Integer.toString(batch), restockChannel))
        .single();
  }

  Mono<Long> settleGroups(long now, int batch) {
    return redis.execute(settleGroups,
            List.of(keys.activity(), keys.quota(), keys.paymentDeadlines(), keys.groupDeadlines(), keys.openGroups(),
                keys.events(), keys.pickupDeadlines(), keys.pickupReminders()),
            List.of(keys.prefix(), Long.toString(now), Integer.toString(batch), restockChannel))
        .single();
  }

  /** Runs roll_over_pickups.lua; answers {rolled over, overdue, dropped}. */
  Mono<List<Long>> rollOverPickups(long now, int batch, int maxRollovers) {
    return redis.execute(rollOverPickups,
            List.of(keys.activity(), keys.pickupDeadlines(), keys.pickupReminders(), keys.events()),
            List.of(keys.prefix(), Long.toString(now), Integer.toString(batch), Integer.toString(maxRollovers)))
        .single()
        .map(reply -> reply.stream().map(n -> Long.parseLong(String.valueOf(n))).toList());
  }

  /** Runs take_reminders.lua; answers {appended, dropped}. */
  Mono<List<Long>> takeReminders(long now, int batch) {
    return redis.execute(takeReminders, List.of(keys.activity(), keys.pickupReminders(), keys.events()),
            List.of(keys.prefix(), Long.toString(now), Integer.toString(batch)))
        .single()
        .map(reply -> reply.stream().map(n -> Long.parseLong(String.valueOf(n))).toList());
  }

  /** Runs edit_activity.lua with field, value pairs. */
  Mono<String> editActivity(long now, String... fieldValues) {
    List<String> args = new java.util.ArrayList<>();
    args.add(Long.toString(now));
    args.addAll(List.of(fieldValues));
    return redis.execute(editActivity, List.of(keys.activity()), args).single();
  }

  /** Runs cancel_activity.lua; answers {outcome, groups made due, reservations made due}. */
  Mono<List<String>> cancelActivity(long now) {
    return redis.execute(cancelActivity, List.of(keys.activity(), keys.groupDeadlines(), keys.paymentDeadlines()),
            List.of(Long.toString(now)))
        .single()
        .map(reply -> reply.stream().map(String::valueOf).toList());
  }

  /** Runs move_allocation.lua; answers {outcome, from's remaining share, to's remaining share}. */
  Mono<List<String>> moveAllocation(long from, long to, int units, String changeId) {
    return redis.execute(moveAllocation, List.of(keys.activity(), keys.allocationChanges(), keys.events()),
            List.of(Long.toString(from), Long.toString(to), Integer.toString(units), changeId, "600",
                Long.toString(NOW)))
        .single()
        .map(reply -> reply.stream().map(String::valueOf).toList());
  }

  /** Runs verify_pickup.lua; answers {outcome, at, buyer}. */
  Mono<List<String>> verifyPickup(String orderId, long point, String staff, long now) {
    return redis.execute(verifyPickup, List.of(keys.events(), keys.retirement()),
            List.of(keys.prefix(), orderId, Long.toString(point), staff, Long.toString(now)))
        .single()
        .map(reply -> reply.stream().map(String::valueOf).toList());
  }

  /** Runs close_point.lua on the activity. */
  Mono<String> closePoint(long point) {
    return redis.execute(closePoint, List.of(keys.activity()), List.of(Long.toString(point))).single();
  }

  /** Runs add_stock.lua; answers {outcome, stock, stock total}. */
  Mono<List<String>> addStock(String units, String changeId, long now) {
    return addStock(units, changeId, now, 0);
  }

  /** Runs add_stock.lua, telling it the total MySQL holds (what counts while not warm). */
  Mono<List<String>> addStock(String units, String changeId, long now, int mysqlTotal) {
    return redis.execute(addStock, List.of(keys.activity(), keys.stockChanges()),
            List.of(units, changeId, Long.toString(now), restockChannel, "600", Integer.toString(mysqlTotal),
                Integer.toString(MAX_STOCK_TOTAL)))
        .single()
        .map(reply -> reply.stream().map(String::valueOf).toList());
  }

  // --- setup shortcuts (blocking on the test thread) ---

  /** The explicit pickup window the pickup tests warm: the day after the sale, 11:00 to 13:00 (UTC). */
  static final long WINDOW_FROM = ENDS_AT + Duration.ofHours(20).toMillis();
  static final long WINDOW_TO = WINDOW_FROM + Duration.ofHours(2).toMillis();
  static final long DAY_MS = Duration.ofDays(1).toMillis();
  static final long HOUR_MS = Duration.ofHours(1).toMillis();

  /** Warms an activity delivering to points 3 (share 4) and 5 (share 6) with the explicit window. */
  void givenPickupActivity(boolean perishable) {
    assertThat(warm(ActivitySpec.standard(), List.of("perishable", perishable ? "1" : "0",
            "pickup_from", Long.toString(WINDOW_FROM), "pickup_to", Long.toString(WINDOW_TO)),
        new long[] {3, 4}, new long[] {5, 6}).block(TIMEOUT)).isEqualTo("WARMED");
  }

  /** A solo order at point 3, paid: SUCCEEDED, collectable in its first window. */
  Reply collectable(String buyer) {
    Reply order = reserve(Kind.SOLO, buyer, NOW, "", null, "3").block(TIMEOUT);
    assertThat(order).isNotNull();
    assertThat(order.outcome()).isEqualTo("OK");
    assertThat(paid(order)).containsExactly("PAID", "SUCCEEDED");
    return order;
  }

  void givenWarmActivity() {
    givenWarmActivity(ActivitySpec.standard());
  }

  /**
   * Low-stock alerts: an activity of 10 units at points 3 (4 units) and 5 (6 units), safety stock
   * {@code activity} for the activity and {@code point3} for point 3 (point 5 has none).
   */
  void givenSafetyStocks(int activity, int point3) {
    assertThat(warm(ActivitySpec.standard().withPerUserLimit(10), List.of("safety_stock", Integer.toString(activity),
            "safety_stock:3", Integer.toString(point3)), new long[] {3, 4}, new long[] {5, 6}).block(TIMEOUT))
        .isEqualTo("WARMED");
  }

  /** The StockLow events appended so far, oldest first. */
  List<Event> stockLows() {
    return events().stream().filter(e -> e.type().equals("StockLow")).toList();
  }

  /** Whether a level (the activity: {@code ""}; a point id) is marked alerted in the activity hash. */
  boolean alerted(String point) {
    return activity().containsKey(point.isEmpty() ? "alerted" : "alerted:" + point);
  }

  /** Solo reservations at a point, each by its own buyer, all expected to succeed. */
  List<Reply> boughtAt(String point, int units) {
    List<Reply> made = new java.util.ArrayList<>();
    for (int i = 0; i < units; i++) {
      Reply reply = reserve(Kind.SOLO, "low-" + point + "-" + i + "-" + events().size(), NOW, "", null, point)
          .block(TIMEOUT);
      assertThat(reply).isNotNull();
      assertThat(reply.outcome()).isEqualTo("OK");
      made.add(reply);
    }
    return made;
  }

  void givenWarmActivity(ActivitySpec spec) {
    assertThat(warm(spec).block(TIMEOUT)).isEqualTo("WARMED");
  }

  Reply opened(String buyer) {
    return reserved(Kind.OPEN, buyer, "");
  }

  Reply joined(String groupId, String buyer) {
    return reserved(Kind.JOIN, buyer, groupId);
  }

  Reply matched(String buyer) {
    return reserved(Kind.MATCH, buyer, "");
  }

  Reply boughtAlone(String buyer) {
    return reserved(Kind.SOLO, buyer, "");
  }

  private Reply reserved(Kind kind, String buyer, String groupId) {
    Reply reply = reserve(kind, buyer, NOW, groupId, null).block(TIMEOUT);
    assertThat(reply).isNotNull();
    assertThat(reply.outcome()).isEqualTo("OK");
    return reply;
  }

  /** Pays a reservation in full, one second after it was made, with transaction id "tx-" + order id. */
  List<String> paid(Reply reservation) {
    return confirmPayment(reservation.orderId(), "tx-" + reservation.orderId(), reservation.amount(), NOW + 1_000)
        .block(TIMEOUT);
  }

  // --- reading state back ---

  Map<String, String> hash(String key) {
    return redis.<String, String>opsForHash().entries(key)
        .collectMap(Map.Entry::getKey, Map.Entry::getValue)
        .block(TIMEOUT);
  }

  Map<String, String> activity() {
    return hash(keys.activity());
  }

  long stock() {
    return Long.parseLong(activity().get("stock"));
  }

  /** A pickup point's remaining share, from the activity hash. */
  long pointStock(long point) {
    return Long.parseLong(activity().get(RedisKeys.ActivityKeys.pointStockField(point)));
  }

  Map<String, String> quota() {
    return hash(keys.quota());
  }

  Map<String, String> order(String orderId) {
    return hash(keys.order(orderId));
  }

  Map<String, String> group(String groupId) {
    return hash(keys.group(groupId));
  }

  Map<String, String> groupMembers(String groupId) {
    return hash(keys.groupMembers(groupId));
  }

  /** Members of a deadline zset with their scores. */
  Map<String, Long> deadlines(String zsetKey) {
    return redis.opsForZSet().rangeWithScores(zsetKey, Range.closed(0L, -1L))
        .collectMap(t -> t.getValue(), t -> t.getScore().longValue())
        .block(TIMEOUT);
  }

  Map<String, Long> paymentDeadlines() {
    return deadlines(keys.paymentDeadlines());
  }

  Map<String, Long> groupDeadlines() {
    return deadlines(keys.groupDeadlines());
  }

  Map<String, Long> pickupDeadlines() {
    return deadlines(keys.pickupDeadlines());
  }

  Map<String, Long> pickupReminders() {
    return deadlines(keys.pickupReminders());
  }

  /** The joinable list: open groups with free slots, scored by free slots. */
  Map<String, Long> openGroups() {
    return deadlines(keys.openGroups());
  }

  /** Every entry of the activity's stream, oldest first; JSON is parsed here, off the event loop. */
  List<Event> events() {
    List<Map<String, String>> entries = redis.<String, String>opsForStream().range(keys.events(), Range.unbounded())
        .map(entry -> entry.getValue())
        .collectList()
        .block(TIMEOUT);
    assertThat(entries).isNotNull();
    return entries.stream().map(entry -> new Event(entry.get("type"), JSON.readTree(entry.get("data")))).toList();
  }

  List<String> eventTypes() {
    return events().stream().map(Event::type).toList();
  }

  Event lastEvent() {
    List<Event> events = events();
    assertThat(events).isNotEmpty();
    return events.get(events.size() - 1);
  }

  /** Ids of the order snapshots an event carries, in order. */
  static List<String> orderIds(Event event) {
    return event.data().get("orders").valueStream().map(o -> o.get("id").asString()).toList();
  }
}
