package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The pick list (备货单) of a point over HTTP, JSON and CSV, for its staff, the merchant whose
 * activity delivers there and admins; every refusal a problem detail. The activity names no
 * window, so its orders are collected at the point's own hours the day after the sale ends.
 */
@IsolatedServices
@ApiTest
class PickupListsTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;
  Shop shop;

  /** A point with staff, an activity delivering there, and two paid orders (alice, bob). */
  record Delivery(long point, long activity, LocalDate day, List<String> orders) {}

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
  }

  private Delivery delivered(String staff) {
    long point = shop.point("东门便利店", staff);
    Map<String, Object> body = Shop.activity(2, 10, 1, Duration.ofMinutes(30), Duration.ofMinutes(5));
    body.put("title", "=Mandarins, 5 kg");
    Map<String, Object> pickup = new LinkedHashMap<>();
    pickup.put("points", List.of(Map.of("pointId", point, "stock", 10)));
    body.put("pickup", pickup);
    long activity = shop.schedule("shop-1", body);
    LocalDate day = Instant.parse((String) body.get("endsAt")).atZone(SHANGHAI).toLocalDate().plusDays(1);
    List<String> orders = List.of("alice", "bob").stream().map(buyer -> {
      Map<?, ?> order = as("CUSTOMER", buyer).post().uri("/api/v1/activities/{id}/orders", activity)
          .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("pickupPointId", point))
          .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
      shop.pay(buyer, order.get("orderId"));
      return (String) order.get("orderId");
    }).toList();
    // The window the projector wrote: the point's 08:00 on the day after the sale, in its zone.
    LocalDateTime opens = day.atTime(LocalTime.of(8, 0)).atZone(SHANGHAI).withZoneSameInstant(ZoneOffset.UTC)
        .toLocalDateTime();
    await().atMost(PATIENCE).until(() -> db.sql("SELECT COUNT(*) AS n FROM orders WHERE pickup_point_id = :p"
            + " AND status = 'SUCCEEDED' AND pickup_from = :from AND rollovers = 0")
        .bind("p", point).bind("from", opens).map(r -> r.get("n", Long.class)).one().block(PATIENCE) == 2);
    return new Delivery(point, activity, day, orders);
  }

  private WebTestClient as(String role, String subject) {
    return http.mutate().defaultHeaders(h -> h.setBearerAuth(Tokens.of(role, subject))).build();
  }

  private WebTestClient.ResponseSpec pickList(String role, String subject, long point, String date, MediaType accept) {
    return as(role, subject).get().uri("/api/v1/pickup-points/{id}/pick-list?date={d}", point, date)
        .accept(accept).exchange();
  }

  @Test
  @SuppressWarnings("unchecked")
  void theStaffGetsTheDaysPickListAsJsonAndAsCsv() {
    Delivery d = delivered("clerk-a");

    pickList("STAFF", "clerk-a", d.point(), d.day().toString(), MediaType.APPLICATION_JSON)
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.pointId").isEqualTo(d.point())
        .jsonPath("$.date").isEqualTo(d.day().toString())
        .jsonPath("$.zone").isEqualTo("Asia/Shanghai")
        .jsonPath("$.activities.length()").isEqualTo(1)
        .jsonPath("$.activities[0].activityId").isEqualTo(d.activity())
        .jsonPath("$.activities[0].units").isEqualTo(2)
        .jsonPath("$.activities[0].orders[*].orderId").value(ids -> assertThat((List<Object>) ids)
            .containsExactlyInAnyOrderElementsOf(List.<Object>copyOf(d.orders())))
        .jsonPath("$.activities[0].orders[*].buyer").value(buyers -> assertThat((List<Object>) buyers)
            .containsExactlyInAnyOrder("a***e", "b***b"))
        .jsonPath("$.activities[0].orders[0].status").isEqualTo("SUCCEEDED");

    String csv = pickList("STAFF", "clerk-a", d.point(), d.day().toString(), MediaType.parseMediaType("text/csv"))
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith("text/csv")
        .expectBody(String.class).returnResult().getResponseBody();
    List<String> lines = csv.lines().toList();
    assertThat(lines.get(0)).isEqualTo("activity_id,title,order_id,buyer,units,status,pickup_from,pickup_to");
    assertThat(lines).hasSize(3);
    // The title is quoted (it holds a comma) and cannot run as a spreadsheet formula.
    assertThat(lines.subList(1, 3)).allSatisfy(line -> assertThat(line)
        .startsWith(d.activity() + ",\"'=Mandarins, 5 kg\",").contains(",1,SUCCEEDED,"));

    // Another day has nothing to hand out.
    pickList("STAFF", "clerk-a", d.point(), d.day().plusDays(1).toString(), MediaType.APPLICATION_JSON)
        .expectStatus().isOk().expectBody().jsonPath("$.activities.length()").isEqualTo(0);
  }

  @Test
  void theMerchantWhoseActivityDeliversThereAndAdminsMaySeeIt() {
    Delivery d = delivered("clerk-b");

    pickList("MERCHANT", "shop-1", d.point(), d.day().toString(), MediaType.APPLICATION_JSON)
        .expectStatus().isOk().expectBody().jsonPath("$.activities[0].units").isEqualTo(2);
    pickList("ADMIN", "admin-1", d.point(), d.day().toString(), MediaType.APPLICATION_JSON)
        .expectStatus().isOk().expectBody().jsonPath("$.activities[0].units").isEqualTo(2);
  }

  @Test
  void everyoneElseIsRefusedAsAProblemDetail() {
    Delivery d = delivered("clerk-c");
    long other = shop.point("西门驿站", "clerk-other");

    for (String[] caller : List.of(new String[] {"MERCHANT", "shop-2"}, new String[] {"STAFF", "clerk-other"},
        new String[] {"CUSTOMER", "alice"})) {
      refused(pickList(caller[0], caller[1], d.point(), d.day().toString(), MediaType.APPLICATION_JSON),
          HttpStatus.FORBIDDEN, "NOT_POINT_STAFF");
      refused(pickList(caller[0], caller[1], d.point(), d.day().toString(), MediaType.parseMediaType("text/csv")),
          HttpStatus.FORBIDDEN, "NOT_POINT_STAFF");
    }
    refused(as("STAFF", "clerk-c").get().uri("/api/v1/pickup-points/{id}/overdue", other).exchange(),
        HttpStatus.FORBIDDEN, "NOT_POINT_STAFF");
    refused(pickList("ADMIN", "admin-1", 999_999, d.day().toString(), MediaType.APPLICATION_JSON),
        HttpStatus.NOT_FOUND, "NOT_FOUND");
  }

  @Test
  void aBadOrMissingDateIsRefusedAndNamed() {
    Delivery d = delivered("clerk-d");

    for (String date : List.of("2026-13-01", "tomorrow", "1999-12-31", "2026-12-02T00:00", "20261202")) {
      refused(pickList("STAFF", "clerk-d", d.point(), date, MediaType.APPLICATION_JSON), HttpStatus.BAD_REQUEST,
          "INVALID_REQUEST").jsonPath("$.errors[0].field").isEqualTo("date");
    }
    refused(as("STAFF", "clerk-d").get().uri("/api/v1/pickup-points/{id}/pick-list", d.point()).exchange(),
        HttpStatus.BAD_REQUEST, "INVALID_REQUEST").jsonPath("$.errors[0].field").isEqualTo("date");
    refused(as("MERCHANT", "shop-1").get().uri("/api/v1/merchant/overdue?activityId=x1").exchange(),
        HttpStatus.BAD_REQUEST, "INVALID_REQUEST").jsonPath("$.errors[0].field").isEqualTo("activityId");
  }

  @Test
  void theOverdueListsAreEmptyWhileEveryOrderIsStillCollectable() {
    Delivery d = delivered("clerk-e");

    as("STAFF", "clerk-e").get().uri("/api/v1/pickup-points/{id}/overdue", d.point()).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.orders.length()").isEqualTo(0);
    as("MERCHANT", "shop-1").get().uri("/api/v1/merchant/overdue?activityId={a}", d.activity()).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.orders.length()").isEqualTo(0);
  }

  private static WebTestClient.BodyContentSpec refused(WebTestClient.ResponseSpec response, HttpStatus status,
      String code) {
    return response.expectStatus().isEqualTo(status)
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo(code);
  }
}
