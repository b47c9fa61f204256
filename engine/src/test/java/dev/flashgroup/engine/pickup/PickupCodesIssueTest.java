package dev.flashgroup.engine.pickup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.support.IsolatedServices;
import dev.flashgroup.engine.support.TestEngineApplication;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;

/** Issuing a pickup code: once per order, unique per point, a colliding draw drawn again. */
@IsolatedServices
@SpringBootTest(classes = TestEngineApplication.class)
@DirtiesContext
class PickupCodesIssueTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);

  @DynamicPropertySource
  static void quiet(DynamicPropertyRegistry registry) {
    registry.add("flashgroup.relay.enabled", () -> "false");
  }

  @Autowired DatabaseClient db;
  @Autowired Clock clock;
  @Autowired PickupCodes codes;

  /** Codes drawn in the order given, then at random. */
  private PickupCodes drawing(String... draws) throws Exception {
    Deque<String> next = new ArrayDeque<>(List.of(draws));
    return new PickupCodes(db, clock) {
      @Override
      String draw() {
        return next.isEmpty() ? super.draw() : next.poll();
      }
    };
  }

  @Test
  void drawsSixteenDigitsLeadingZerosIncluded() {
    for (int i = 0; i < 1_000; i++) {
      assertThat(codes.draw()).matches("[0-9]{16}");
    }
  }

  @Test
  void aCodeThatCollidesAtThePointIsDrawnAgain() throws Exception {
    PickupCodes colliding = drawing("1111222233334444", "1111222233334444", "5555666677778888");
    assertThat(colliding.issue("7-1", 7, 3).block(PATIENCE).code()).isEqualTo("1111222233334444");

    assertThat(colliding.issue("7-2", 7, 3).block(PATIENCE).code()).isEqualTo("5555666677778888");
    assertThat(codes.find("7-1").block(PATIENCE).orderId()).isEqualTo("7-1");
    assertThat(codes.holders("1111222233334444").map(PickupCodes.Issued::orderId).collectList().block(PATIENCE))
        .containsExactly("7-1");
  }

  @Test
  void theSameCodeMayServeAnotherPoint() throws Exception {
    PickupCodes same = drawing("9999000011112222", "9999000011112222");
    same.issue("8-1", 8, 3).block(PATIENCE);
    same.issue("8-2", 8, 5).block(PATIENCE);

    assertThat(codes.holders("9999000011112222").map(PickupCodes.Issued::pointId).collectList().block(PATIENCE))
        .containsExactlyInAnyOrder(3L, 5L);
  }

  @Test
  void anOrderKeepsItsFirstCodeHoweverOftenItIsIssued() {
    List<String> issued = Flux.range(0, 10).flatMap(i -> codes.issue("9-1", 9, 3), 10)
        .map(PickupCodes.Issued::code).collectList().block(PATIENCE);

    assertThat(issued).hasSize(10).containsOnly(codes.find("9-1").block(PATIENCE).code());
  }

  @Test
  void givesUpAfterEveryDrawCollided() throws Exception {
    drawing("4444333322221111").issue("10-1", 10, 3).block(PATIENCE);
    PickupCodes stuck = drawing("4444333322221111", "4444333322221111", "4444333322221111", "4444333322221111",
        "4444333322221111");

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stuck.issue("10-2", 10, 3).block(PATIENCE))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no free pickup code");
    assertThat(codes.find("10-2").block(PATIENCE)).isNull();
  }
}
