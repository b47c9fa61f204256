package dev.flashgroup.engine.reservation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/** Local sold-out knowledge is bounded: a full map remembers nothing more, and asks Redis instead. */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class,
    properties = {"flashgroup.sold-out.max-activities=2", "flashgroup.sold-out.ttl=PT1H"})
@DirtiesContext
class SoldOutBoundTest {

  @Autowired SoldOutActivities soldOut;

  @Test
  void remembersNoMoreActivitiesThanItsBound() {
    ActivityId first = new ActivityId(1);
    // Knowledge is learnt only once the restock subscription is confirmed.
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      soldOut.learn(first, soldOut.mark());
      return soldOut.knows(first);
    });
    soldOut.learn(new ActivityId(2), soldOut.mark());
    soldOut.learn(new ActivityId(3), soldOut.mark());
    soldOut.learn(first, soldOut.mark());

    assertThat(soldOut.known()).isEqualTo(2);
    assertThat(soldOut.knows(first)).isTrue();
    assertThat(soldOut.knows(new ActivityId(2))).isTrue();
    assertThat(soldOut.knows(new ActivityId(3))).isFalse();

    soldOut.forget(first);
    soldOut.learn(new ActivityId(3), soldOut.mark());
    assertThat(soldOut.knows(new ActivityId(3))).isTrue();
  }
}
