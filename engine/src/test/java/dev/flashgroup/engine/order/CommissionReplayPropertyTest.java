package dev.flashgroup.engine.order;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.commission.CommissionLedger;
import dev.flashgroup.engine.commission.CommissionSettlement;
import dev.flashgroup.engine.commission.Dashboard;
import dev.flashgroup.engine.commission.LeaderDashboard;
import dev.flashgroup.engine.group.GroupStatus;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.order.event.GroupFailed;
import dev.flashgroup.engine.order.event.GroupSnapshot;
import dev.flashgroup.engine.order.event.GroupSucceeded;
import dev.flashgroup.engine.order.event.OrderEvent;
import dev.flashgroup.engine.order.event.OrderPickedUp;
import dev.flashgroup.engine.order.event.OrderSnapshot;
import dev.flashgroup.engine.order.event.PaymentConfirmed;
import dev.flashgroup.engine.order.event.RefundConfirmed;
import dev.flashgroup.engine.order.event.RefundEntry;
import dev.flashgroup.engine.order.event.RefundRequested;
import dev.flashgroup.engine.order.event.ReservationExpired;
import dev.flashgroup.engine.order.event.ReservationMade;
import dev.flashgroup.engine.support.Isolation;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The commission ledger replayed: the event streams of several orders (paid, failed groups, late
 * payments, tiered settlements, pickups, a returned second payment, after-sales refunds before and
 * after settlement, orders without a leader), in groups of one to four whose settlement events
 * carry all their members, go through the order ledger and its commission
 * follower in MySQL duplicated, shuffled and four at a time, as redeliveries and concurrent workers
 * deliver them; settlement runs between the phases with the time passed in. MySQL must hold exactly
 * the ledger this test computes on its own from the orders' histories, to the fen.
 */
class CommissionReplayPropertyTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final int[] RATES = {0, 1, 333, 1000, 3000};
  private static final Instant START = Instant.parse("2026-11-02T04:00:00Z");
  private static final Duration SETTLE_AFTER = Duration.ofDays(7);

  private static Isolation isolation;
  private static ConfigurableApplicationContext app;
  private static OrderLedger ledger;
  private static CommissionLedger commissions;
  private static CommissionSettlement settlement;
  private static LeaderDashboard dashboards;
  private static DatabaseClient db;
  private static final List<Activity> activities = new ArrayList<>();
  private static final AtomicInteger tries = new AtomicInteger();

  enum Kind { PAID, FAILED, LATE, TIERED, PICKED_UP, TIERED_PICKED_UP, PAID_TWICE }

  /** One order's history: what happened to it, for {@code leader} (-1: nobody) on activity {@code rate}. */
  record History(Kind kind, int rate, int leader, long paid, long tierDifference, List<Long> claimsBefore,
      List<Long> claimsAfter) {

    boolean pickedUp() {
      return kind == Kind.PICKED_UP || kind == Kind.TIERED_PICKED_UP;
    }

    boolean tiered() {
      return kind == Kind.TIERED || kind == Kind.TIERED_PICKED_UP;
    }

    boolean refundedInFull() {
      return kind == Kind.FAILED || kind == Kind.LATE;
    }

    long finalAmount() {
      return refundedInFull() ? 0 : paid - (tiered() ? tierDifference : 0);
    }
  }

  @BeforeContainer
  static void start() {
    isolation = new Isolation();
    Map<String, Object> properties = new LinkedHashMap<>(isolation.properties());
    // Nothing but this test writes: no relay, no workers, no timers, no settlement of its own.
    properties.put("flashgroup.relay.enabled", "false");
    properties.put("flashgroup.messaging.workers-enabled", "false");
    properties.put("flashgroup.timers.enabled", "false");
    properties.put("flashgroup.pickup.sweeper-enabled", "false");
    properties.put("flashgroup.leaders.settle-enabled", "false");
    properties.put("flashgroup.leaders.settle-after", SETTLE_AFTER.toString());
    app = new SpringApplicationBuilder(TestEngineApplication.class).web(WebApplicationType.NONE)
        .run(properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    ledger = app.getBean(OrderLedger.class);
    commissions = app.getBean(CommissionLedger.class);
    settlement = app.getBean(CommissionSettlement.class);
    dashboards = app.getBean(LeaderDashboard.class);
    db = app.getBean(DatabaseClient.class);
    ActivityScheduling scheduling = app.getBean(ActivityScheduling.class);
    for (int bps : RATES) {
      // Far enough ahead that the warmer leaves them alone: the events here are made up.
      activities.add(scheduling.schedule("shop-1", new ActivityDraft("Rate " + bps, Mode.STANDARD, 2, 2990L, 3990L,
              1000, 10, Instant.now().plus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(2)),
              Duration.ofHours(1), Duration.ofHours(1), List.of(), null, null, bps))
          .block(PATIENCE));
    }
  }

  @AfterContainer
  static void stop() throws Exception {
    if (app != null) {
      app.close();
    }
    isolation.removeAll();
  }

  @Property(tries = 12)
  void theLedgerIsExactWhateverTheDuplicationAndOrderOfDeliveries(
      @ForAll("histories") List<History> histories, @ForAll long seed) {
    int attempt = tries.incrementAndGet();
    Random random = new Random(seed);
    String[] leaders = {"L" + attempt + "a", "L" + attempt + "b", "L" + attempt + "c"};
    Map<String, History> byOrder = new LinkedHashMap<>();
    List<Supplier<Mono<Void>>> before = new ArrayList<>();
    List<Supplier<Mono<Void>>> after = new ArrayList<>();
    int seq = 0;
    for (List<History> group : groups(histories, random)) {
      Activity activity = activities.get(group.get(0).rate());
      String groupId = activity.id().value() + "-" + (attempt * 1000 + seq) + "g";
      List<OrderSnapshot> settled = new ArrayList<>();
      List<RefundEntry> refunds = new ArrayList<>();
      for (History h : group) {
        String order = activity.id().value() + "-" + (attempt * 1000 + seq++);
        byOrder.put(order, h);
        String leader = h.leader() < 0 ? null : leaders[h.leader()];
        for (OrderEvent e : events(activity.id(), order, groupId, leader, h, settled, refunds)) {
          before.add(() -> ledger.apply(e));
        }
        int n = 0;
        for (long claim : h.claimsBefore()) {
          String refundNo = "RC" + order.replace("-", "") + "x" + n++;
          before.add(() -> commissions.reverseForRefund(order, refundNo, claim, h.paid()).then());
        }
        for (long claim : h.claimsAfter()) {
          String refundNo = "RC" + order.replace("-", "") + "x" + n++;
          after.add(() -> commissions.reverseForRefund(order, refundNo, claim, h.paid()).then());
        }
      }
      // The group's settlement carries all its members, as settle_groups.lua writes it.
      for (OrderEvent e : groupEvents(activity.id(), groupId, group, settled, refunds)) {
        before.add(() -> ledger.apply(e));
      }
    }
    deliver(duplicatedAndShuffled(before, random));
    Instant settleAt = START.plus(Duration.ofHours(2)).plus(SETTLE_AFTER);
    assertThat(settlement.settleDue(settleAt.minusSeconds(1)).block(PATIENCE)).isZero();
    settlement.settleDue(settleAt).block(PATIENCE);
    // Late redeliveries of anything, and the after-sales refunds that came after settlement.
    List<Supplier<Mono<Void>>> late = new ArrayList<>(after);
    for (int i = 0; i < before.size() / 2; i++) {
      late.add(before.get(random.nextInt(before.size())));
    }
    deliver(duplicatedAndShuffled(late, random));
    assertThat(settlement.settleDue(settleAt.plus(Duration.ofDays(30))).block(PATIENCE)).isZero();

    Map<String, long[]> expectedLeaders = new HashMap<>();
    Map<String, long[]> expectedDays = new HashMap<>();
    for (var entry : byOrder.entrySet()) {
      checkOrder(entry.getKey(), entry.getValue(), expectedLeaders);
      History h = entry.getValue();
      if (h.leader() >= 0 && !h.refundedInFull()) {
        long[] day = expectedDays.computeIfAbsent(Integer.toString(h.leader()), k -> new long[3]);
        day[0]++;
        day[1] += h.finalAmount();
        day[2] += commission(RATES[h.rate()], h.finalAmount() - claims(h.claimsBefore()) - claims(h.claimsAfter()));
      }
    }
    for (int i = 0; i < leaders.length; i++) {
      long[] want = expectedLeaders.getOrDefault(Integer.toString(i), new long[5]);
      Dashboard d = dashboards.of(leaders[i], null, null).block(PATIENCE);
      assertThat(new long[] {d.expected(), d.earned(), d.settled(), d.reversed(), d.balance()})
          .as("expected, earned, settled, reversed, balance of %s", leaders[i]).containsExactly(want);
      // The day the orders were made: those paid and not refunded in full, at their final amount.
      LocalDate day = LocalDate.ofInstant(START, d.zone());
      Dashboard.Day figures = dashboards.of(leaders[i], day, day).block(PATIENCE).orders().get(0);
      assertThat(new long[] {figures.orders(), figures.gmv(), figures.commission()})
          .as("orders, gmv, commission of %s on %s", leaders[i], day)
          .containsExactly(expectedDays.getOrDefault(Integer.toString(i), new long[3]));
    }
  }

  /** One order's row and entries against its history; adds its share to its leader's figures. */
  private static void checkOrder(String order, History h, Map<String, long[]> leaders) {
    List<Map<String, Object>> entries = db.sql("SELECT kind, ref, amount, leader_id FROM commission_entries"
        + " WHERE order_id = :o").bind("o", order).fetch().all().collectList().block(PATIENCE);
    Map<String, Object> row = db.sql("SELECT stage, total, base FROM commissions WHERE order_id = :o").bind("o", order)
        .fetch().one().block(PATIENCE);
    if (h.leader() < 0) {
      assertThat(entries).as("entries of %s without a leader", order).isEmpty();
      assertThat(row).isNull();
      return;
    }
    int bps = RATES[h.rate()];
    long claimedBefore = h.claimsBefore().stream().mapToLong(Long::longValue).sum();
    long claimedAfter = h.claimsAfter().stream().mapToLong(Long::longValue).sum();
    long base = commission(bps, h.paid() - (h.tiered() ? h.tierDifference() : 0));
    long settled = commission(bps, h.finalAmount() - claimedBefore);
    long total = commission(bps, h.finalAmount() - claimedBefore - claimedAfter);
    String stage = h.pickedUp() ? "SETTLED" : "EXPECTED";

    Set<String> keys = new HashSet<>();
    long sum = 0;
    for (Map<String, Object> e : entries) {
      assertThat(keys.add(e.get("kind") + ":" + e.get("ref"))).as("one entry per key").isTrue();
      assertThat(e.get("leader_id")).isEqualTo(h.leader() < 0 ? null : "L" + tries.get() + "abc".charAt(h.leader()));
      if (List.of("EXPECTED", "ADJUSTED", "REVERSED").contains(e.get("kind"))) {
        sum += ((Number) e.get("amount")).longValue();
      }
    }
    Set<String> wanted = new HashSet<>(List.of("EXPECTED:"));
    if (h.tiered()) {
      wanted.add("ADJUSTED:RD" + order);
    }
    if (h.refundedInFull()) {
      wanted.add("REVERSED:RF" + order);
    }
    for (int n = 0; n < h.claimsBefore().size() + h.claimsAfter().size(); n++) {
      wanted.add("REVERSED:RC" + order.replace("-", "") + "x" + n);
    }
    if (h.pickedUp()) {
      wanted.add("EARNED:");
      wanted.add("SETTLED:");
    }
    assertThat(keys).as("entries of %s (%s)", order, h).isEqualTo(wanted);
    assertThat(sum).as("sum of the entries of %s (%s)", order, h).isEqualTo(total);
    assertThat(row).as("commission of %s", order).isNotNull();
    assertThat(List.of(row.get("stage"), ((Number) row.get("total")).longValue(), ((Number) row.get("base")).longValue()))
        .as("stage, total and base of %s (%s)", order, h).containsExactly(stage, total, base);
    long[] figures = leaders.computeIfAbsent(Integer.toString(h.leader()), k -> new long[5]);
    if (h.pickedUp()) {
      figures[2] += settled;
      figures[4] += total;
    } else {
      figures[0] += total;
    }
    figures[3] += base - total;
  }

  private static long claims(List<Long> amounts) {
    return amounts.stream().mapToLong(Long::longValue).sum();
  }

  private static long commission(int bps, long amount) {
    return Math.max(0, amount) * bps / 10_000;
  }

  /** Each delivery one to three times, shuffled; four at a time, each retried as the worker retries. */
  private static List<Supplier<Mono<Void>>> duplicatedAndShuffled(List<Supplier<Mono<Void>>> actions, Random random) {
    List<Supplier<Mono<Void>>> all = new ArrayList<>();
    for (Supplier<Mono<Void>> a : actions) {
      for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
        all.add(a);
      }
    }
    Collections.shuffle(all, random);
    return all;
  }

  private static void deliver(List<Supplier<Mono<Void>>> deliveries) {
    Flux.fromIterable(deliveries)
        .flatMap(d -> Mono.defer(d).retryWhen(Retry.backoff(20, Duration.ofMillis(10))), 4)
        .then().block(PATIENCE);
  }

  /** The events the scripts would have written for the order's history. */
  private static List<OrderEvent> events(ActivityId activity, String order, String group, String leader, History h,
      List<OrderSnapshot> settled, List<RefundEntry> refunds) {
    long p = h.paid();
    long at = START.toEpochMilli();
    List<OrderEvent> events = new ArrayList<>();
    events.add(new ReservationMade(at, List.of(snapshot(activity, order, group, leader, OrderStatus.RESERVED, 1, p,
        null, null, null, null)), groupSnapshot(activity, group, GroupStatus.OPEN, 1, 0, 1, null)));
    switch (h.kind()) {
      case FAILED -> {
        events.add(new PaymentConfirmed(at + 1000, "TX" + order, order, List.of(snapshot(activity, order, group, leader,
            OrderStatus.PAID, 2, p, p, null, null, null)), groupSnapshot(activity, group, GroupStatus.OPEN, 1, 1, 2, null)));
        settled.add(snapshot(activity, order, group, leader, OrderStatus.REFUNDING, 3, p, p, 0L, null, null));
        refunds.add(new RefundEntry("RF" + order, order, p, "GROUP_FAILED", p));
        events.add(new RefundConfirmed(at + 3000, "RF" + order, List.of(snapshot(activity, order, group, leader,
            OrderStatus.REFUNDED, 4, p, p, 0L, p, null)), null));
      }
      case LATE -> {
        events.add(new ReservationExpired(at + 1000, List.of(snapshot(activity, order, group, leader,
            OrderStatus.EXPIRED, 2, p, null, null, null, null)), groupSnapshot(activity, group, GroupStatus.OPEN, 0, 0, 2, null)));
        events.add(new PaymentConfirmed(at + 2000, "TX" + order, order, List.of(snapshot(activity, order, group, leader,
            OrderStatus.REFUNDING, 3, p, p, 0L, null, null)), null));
        events.add(new RefundRequested(at + 2000, List.of(new RefundEntry("RF" + order, order, p, "LATE_PAYMENT", p))));
        events.add(new RefundConfirmed(at + 3000, "RF" + order, List.of(snapshot(activity, order, group, leader,
            OrderStatus.REFUNDED, 4, p, p, 0L, p, null)), null));
      }
      default -> succeeded(events, activity, order, group, leader, h, at, settled, refunds);
    }
    return events;
  }

  private static void succeeded(List<OrderEvent> events, ActivityId activity, String order, String group, String leader,
      History h, long at, List<OrderSnapshot> settled, List<RefundEntry> refunds) {
    long p = h.paid();
    long fin = h.finalAmount();
    events.add(new PaymentConfirmed(at + 1000, "TX" + order, order, List.of(snapshot(activity, order, group, leader,
        OrderStatus.PAID, 2, p, p, null, null, null)), groupSnapshot(activity, group, GroupStatus.OPEN, 1, 1, 2, null)));
    settled.add(snapshot(activity, order, group, leader, OrderStatus.SUCCEEDED, 3, p, p, fin, null, null));
    int version = 3;
    Long refunded = null;
    if (h.tiered()) {
      refunded = h.tierDifference();
      refunds.add(new RefundEntry("RD" + order, order, h.tierDifference(), "TIER_PRICE", p));
      events.add(new RefundConfirmed(at + 3000, "RD" + order, List.of(snapshot(activity, order, group, leader,
          OrderStatus.SUCCEEDED, ++version, p, p, fin, refunded, null)), null));
    }
    if (h.kind() == Kind.PAID_TWICE) {
      events.add(new RefundRequested(at + 2500, List.of(new RefundEntry("RFTX2" + order, order, p, "DUPLICATE_PAYMENT",
          p))));
    }
    if (h.pickedUp()) {
      long pickedUp = START.plus(Duration.ofHours(2)).toEpochMilli();
      events.add(new OrderPickedUp(pickedUp, List.of(snapshot(activity, order, group, leader, OrderStatus.PICKED_UP,
          ++version, p, p, fin, refunded, pickedUp)), null, 1, "clerk-1"));
    }
  }

  /** A group's settlement: one event with all its members' snapshots, one refund request with all their refunds. */
  private static List<OrderEvent> groupEvents(ActivityId activity, String group, List<History> members,
      List<OrderSnapshot> settled, List<RefundEntry> refunds) {
    long at = START.toEpochMilli() + 2000;
    int n = members.size();
    List<OrderEvent> events = new ArrayList<>();
    if (!settled.isEmpty()) {
      events.add(members.get(0).kind() == Kind.FAILED
          ? new GroupFailed(at, List.copyOf(settled), groupSnapshot(activity, group, GroupStatus.FAILED, n, n, 3, null))
          : new GroupSucceeded(at, null, null, List.copyOf(settled),
              groupSnapshot(activity, group, GroupStatus.SUCCEEDED, n, n, 3, settled.get(0).finalAmount())));
    }
    if (!refunds.isEmpty()) {
      events.add(new RefundRequested(at, List.copyOf(refunds)));
    }
    return events;
  }

  /**
   * The histories in groups of one to four members that share a fate (all failed, or all
   * succeeded; a late payment alone) and an activity: the first member's.
   */
  private static List<List<History>> groups(List<History> histories, Random random) {
    List<List<History>> groups = new ArrayList<>();
    for (int i = 0; i < histories.size();) {
      History first = histories.get(i);
      List<History> group = new ArrayList<>(List.of(first));
      int size = 1 + random.nextInt(4);
      int j = i + 1;
      while (j < histories.size() && group.size() < size && first.kind() != Kind.LATE
          && fate(histories.get(j)) == fate(first)) {
        History h = histories.get(j++);
        group.add(new History(h.kind(), first.rate(), h.leader(), h.paid(), h.tierDifference(), h.claimsBefore(),
            h.claimsAfter()));
      }
      groups.add(group);
      i = j;
    }
    return groups;
  }

  private static Kind fate(History h) {
    return h.kind() == Kind.FAILED || h.kind() == Kind.LATE ? h.kind() : Kind.PAID;
  }

  private static OrderSnapshot snapshot(ActivityId activity, String order, String group, String leader,
      OrderStatus status, int version, long amount, Long paid, Long fin, Long refunded, Long pickedUpAt) {
    return new OrderSnapshot(order, activity, group, "buyer-" + order, status, amount,
        START.plus(Duration.ofMinutes(5)).toEpochMilli(), version, paid, fin, refunded, null, null, null, null,
        pickedUpAt, leader, null, null);
  }

  private static GroupSnapshot groupSnapshot(ActivityId activity, String group, GroupStatus status, int members,
      int paid, int version, Long price) {
    return new GroupSnapshot(group, activity, status, 1, members, paid, START.plus(Duration.ofHours(1)).toEpochMilli(),
        version, "buyer", null, price);
  }

  @Provide
  Arbitrary<List<History>> histories() {
    Arbitrary<History> one = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, RATES.length - 1),
            Arbitraries.integers().between(-1, 2), Arbitraries.longs().between(1, 200_000),
            Arbitraries.doubles().between(0.01, 0.9), Arbitraries.doubles().between(0, 1).list().ofMaxSize(2),
            Arbitraries.doubles().between(0, 1).list().ofMaxSize(2))
        .as(CommissionReplayPropertyTest::history);
    return one.list().ofMinSize(3).ofMaxSize(8);
  }

  /** A history with amounts that fit: the tier difference below the price, claims within what is left. */
  private static History history(Kind kind, int rate, int leader, long paid, double tierShare, List<Double> before,
      List<Double> after) {
    boolean tiered = kind == Kind.TIERED || kind == Kind.TIERED_PICKED_UP;
    long difference = tiered ? Math.max(1, Math.min(paid - 1, Math.round(paid * tierShare))) : 0;
    if (tiered && paid < 2) {
      paid = 2;
      difference = 1;
    }
    boolean claims = kind == Kind.PICKED_UP || kind == Kind.TIERED_PICKED_UP;
    long left = paid - difference;
    List<Long> claimsBefore = new ArrayList<>();
    List<Long> claimsAfter = new ArrayList<>();
    if (claims) {
      left = take(before, left, claimsBefore);
      take(after, left, claimsAfter);
    }
    return new History(kind, rate, leader, paid, difference, claimsBefore, claimsAfter);
  }

  private static long take(List<Double> shares, long left, List<Long> into) {
    for (double share : shares) {
      long amount = Math.min(left, Math.max(1, Math.round(left * share)));
      if (amount > 0) {
        into.add(amount);
        left -= amount;
      }
    }
    return left;
  }
}
