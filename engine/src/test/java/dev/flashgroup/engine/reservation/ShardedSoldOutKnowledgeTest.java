package dev.flashgroup.engine.reservation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityScheduling;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.keys.RedisKeys;
import dev.flashgroup.engine.shard.Sharding;
import dev.flashgroup.engine.shard.Shards;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Sold-out knowledge of a sharded activity, bucket by bucket: a bucket that answered sold out (or
 * had nothing to give) is not asked again until a restock names it (a give names its receiving
 * bucket, {@code 42.3}) or the whole activity ({@code 42}); once every bucket is known empty the
 * activity is refused without Redis. Stock put in a bucket behind the instance's back (no restock
 * message) would be sold if that bucket were asked, so a refusal proves it was not. The knowledge
 * lives a minute here.
 */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class, properties = "flashgroup.sold-out.ttl=PT1M")
@DirtiesContext
class ShardedSoldOutKnowledgeTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int SHARDS = 4;
  private static final ReservationOutcome SOLD_OUT = new ReservationOutcome.Refused(Refusal.SOLD_OUT);

  @Autowired ActivityScheduling scheduling;
  @Autowired Reservations reservations;
  @Autowired SoldOutActivities soldOut;
  @Autowired Shards shards;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired RedisKeys keys;

  private Activity activity;
  private Sharding sharding;

  /** One unit in each of 4 buckets, all sold: the next buyer's walk learns every bucket empty. */
  @BeforeEach
  void soldOutInEveryBucket() {
    SoldOutLessons.learnOnceSubscribed(soldOut, new ActivityId(999_999_999L));
    activity = scheduling.schedule("shop-1", new ActivityDraft("Hot lychee", Mode.STANDARD, 2, 100L, 200L, SHARDS, 1,
            Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), Duration.ofHours(1), Duration.ofHours(1),
            List.of(), null, null, null, null, null, SHARDS))
        .block(WAIT);
    sharding = shards.of(activity.id()).block(WAIT);
    // One buyer per home bucket, so no unit moves (a give's restock heard late would unteach a bucket).
    for (int b = 0; b < SHARDS; b++) {
      int bucket = b;
      String buyer = IntStream.range(0, 1000).mapToObj(i -> "early-" + i)
          .filter(name -> sharding.home(name) == bucket).findFirst().orElseThrow();
      assertThat(buy(buyer)).isInstanceOf(ReservationOutcome.Reserved.class);
    }
    // A lesson voided meanwhile (a forgetting at context start, a restock heard late) is learnt
    // again by the next late buyer.
    AtomicInteger late = new AtomicInteger();
    await().atMost(WAIT).until(() -> SOLD_OUT.equals(buy("late-" + late.incrementAndGet()))
        && IntStream.range(0, SHARDS).allMatch(b -> soldOut.knowsEmpty(activity.id(), b)));
  }

  @Test
  void learnsEveryEmptyBucketAndThenRefusesTheActivityWithoutRedis() {
    assertThat(IntStream.range(0, SHARDS).allMatch(b -> soldOut.knowsEmpty(activity.id(), b))).isTrue();
    assertThat(soldOut.knows(activity.id())).isTrue();
    int bucket = 2;
    putStock(bucket, 1);

    assertThat(buy("someone")).isEqualTo(SOLD_OUT);
    assertThat(stock(bucket)).isEqualTo(1);
  }

  @Test
  void aGiveForgetsOnlyTheBucketItNames() {
    String buyer = "walker";
    int home = sharding.home(buyer);
    int other = (home + 2) % SHARDS;
    putStock(other, 1);

    // The home bucket came back (a give names it); the others are still known empty.
    restock(activity.id() + "." + home);
    assertThat(soldOut.knowsEmpty(activity.id(), home)).isFalse();
    assertThat(soldOut.knowsEmpty(activity.id(), other)).isTrue();
    assertThat(soldOut.knows(activity.id())).isFalse();

    // Home is asked (sold out there), every other bucket is skipped: the unit in `other` stays.
    assertThat(buy(buyer)).isEqualTo(SOLD_OUT);
    assertThat(stock(other)).isEqualTo(1);

    restock(activity.id() + "." + other);
    assertThat(buy(buyer)).isInstanceOf(ReservationOutcome.Reserved.class);
    assertThat(stock(other)).isZero();
  }

  /**
   * A giver another request of this instance is asking is put off, not skipped: it is asked at the
   * walk's end unless known empty by then, so its unit is sold and the buyer is not told SOLD_OUT.
   * Being asked makes a bucket no more known empty than it was.
   */
  @Test
  void aGiverBeingAskedByAnotherRequestIsAskedAtTheWalksEnd() {
    String buyer = "patient-walker";
    int home = sharding.home(buyer);
    int other = (home + 1) % SHARDS;
    putStock(other, 1);
    restock(activity.id() + "." + other);
    assertThat(soldOut.giver(activity.id(), other)).isEqualTo(SoldOutActivities.Giver.ASK);
    assertThat(soldOut.giver(activity.id(), other)).isEqualTo(SoldOutActivities.Giver.BEING_ASKED);
    assertThat(soldOut.knowsEmpty(activity.id(), other)).isFalse();
    assertThat(soldOut.knows(activity.id())).isFalse();

    assertThat(buy(buyer)).isInstanceOf(ReservationOutcome.Reserved.class);
    assertThat(stock(other)).isZero();
  }

  @Test
  void aRestockOfTheActivityForgetsEveryBucket() {
    int bucket = 1;
    putStock(bucket, 1);
    restock(activity.id().toString());
    assertThat(IntStream.range(0, SHARDS).noneMatch(b -> soldOut.knowsEmpty(activity.id(), b))).isTrue();

    String buyer = IntStream.range(0, 100).mapToObj(i -> "buyer-" + i)
        .filter(b -> sharding.home(b) != bucket).findFirst().orElseThrow();
    assertThat(buy(buyer)).isInstanceOf(ReservationOutcome.Reserved.class);
  }

  /** A request with an Idempotency-Key always asks its home bucket: a retry gets its first answer back. */
  @Test
  void aRetryWithAKeyIsAnsweredByItsHomeBucket() {
    putStock(sharding.home("keeper"), 1);
    restock(activity.id() + "." + sharding.home("keeper"));
    ReservationOutcome first = reservations.buyAlone(activity.id(), "keeper", "key-1").block(WAIT);
    assertThat(first).isInstanceOf(ReservationOutcome.Reserved.class);
    assertThat(buy("late-2")).isEqualTo(SOLD_OUT);
    assertThat(soldOut.knows(activity.id())).isTrue();

    assertThat(reservations.buyAlone(activity.id(), "keeper", "key-1").block(WAIT)).isEqualTo(first);
  }

  /** A restock of another bucket, or of another activity, heard while asking does not void the lesson. */
  @Test
  void onlyARestockOfTheSameBucketVoidsALesson() {
    ActivityId id = activity.id();
    restock(id + ".0");
    restock(id + ".1");

    long asked = soldOut.mark();
    restock(id + ".1");
    restock("424242");
    soldOut.learnEmpty(id, 0, SHARDS, asked);
    soldOut.learnEmpty(id, 1, SHARDS, asked);

    assertThat(soldOut.knowsEmpty(id, 0)).isTrue();
    assertThat(soldOut.knowsEmpty(id, 1)).isFalse();
  }

  @Test
  void anUnreadableRestockForgetsEverything() {
    restock(activity.id() + ".99");
    assertThat(IntStream.range(0, SHARDS).noneMatch(b -> soldOut.knowsEmpty(activity.id(), b))).isTrue();
  }

  private ReservationOutcome buy(String buyer) {
    return reservations.buyAlone(activity.id(), buyer, null).block(WAIT);
  }

  private void putStock(int bucket, int units) {
    redis.<String, String>opsForHash().put(sharding.keys(keys, bucket).activity(), "stock", Integer.toString(units))
        .block(WAIT);
  }

  private int stock(int bucket) {
    return Integer.parseInt(redis.<String, String>opsForHash().get(sharding.keys(keys, bucket).activity(), "stock")
        .block(WAIT));
  }

  /** Publishes a restock message and waits until this instance heard it. */
  private void restock(String message) {
    long before = soldOut.mark();
    redis.convertAndSend(keys.restockChannel(), message).block(WAIT);
    await().atMost(WAIT).until(() -> soldOut.mark() > before);
  }
}
