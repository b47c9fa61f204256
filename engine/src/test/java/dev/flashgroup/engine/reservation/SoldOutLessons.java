package dev.flashgroup.engine.reservation;

import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.kernel.ActivityId;
import java.time.Duration;

/** Test help for sold-out knowledge. */
final class SoldOutLessons {

  private SoldOutLessons() {}

  /**
   * Teaches {@code activity} sold out once the restock subscription is confirmed (nothing is learnt
   * before), waiting up to 20 s for it.
   */
  static void learnOnceSubscribed(SoldOutActivities soldOut, ActivityId activity) {
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      soldOut.learn(activity, soldOut.mark());
      return soldOut.knows(activity);
    });
  }
}
