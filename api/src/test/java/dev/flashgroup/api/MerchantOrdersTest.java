package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flashgroup.api.web.BuyerIds;
import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A merchant's orders over HTTP: its own only (an admin's: all), the filters combined, keyset pages
 * that neither repeat nor skip a row, buyers masked, the same rows as CSV, every bad input a 400.
 */
@IsolatedServices
@ApiTest
class MerchantOrdersTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;
  Shop shop;
  Rows rows;

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
    rows = new Rows(db);
  }

  /** Two points; seven orders of one activity at them (the first four paid), one of another merchant's. */
  record Sales(long activity, long other, long east, long west, List<String> orders, List<String> paid) {}

  private Sales sales(String merchant) {
    long east = shop.point("东门" + merchant);
    long west = shop.point("西门" + merchant);
    Map<String, Object> body = Shop.activity(2, 20, 2, Duration.ofMinutes(30), Duration.ofMinutes(30));
    Map<String, Object> pickup = new LinkedHashMap<>();
    pickup.put("points", List.of(Map.of("pointId", east, "stock", 10), Map.of("pointId", west, "stock", 10)));
    body.put("pickup", pickup);
    long activity = shop.schedule(merchant, body);
    List<String> orders = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      orders.add(reserve(merchant + "-buyer-" + i, activity, i % 2 == 0 ? east : west));
    }
    List<String> paid = orders.subList(0, 4);
    for (int i = 0; i < paid.size(); i++) {
      shop.pay(merchant + "-buyer-" + i, paid.get(i));
    }
    long other = shop.schedule(merchant + "-rival", Shop.activity(2, 5, 1, Duration.ofMinutes(30), Duration.ofMinutes(30)));
    shop.solo(merchant + "-rival-buyer", other);
    await().atMost(PATIENCE).until(() -> rows.count("SELECT COUNT(*) AS n FROM orders WHERE activity_id IN ("
        + activity + ", " + other + ")") == 8 && rows.count("SELECT COUNT(*) AS n FROM orders WHERE activity_id = "
        + activity + " AND status = 'SUCCEEDED'") == 4);
    return new Sales(activity, other, east, west, orders, paid);
  }

  @Test
  @SuppressWarnings("unchecked")
  void pagesFollowTheKeysetNewestFirstWithoutRepeatsOrGaps() {
    Sales s = sales("shop-p");
    List<Map<String, Object>> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Map<String, Object> page = page("MERCHANT", "shop-p", "activityId=" + s.activity() + "&limit=3"
          + (cursor == null ? "" : "&cursor=" + cursor));
      List<Map<String, Object>> orders = (List<Map<String, Object>>) page.get("orders");
      assertThat(orders).hasSizeLessThanOrEqualTo(3);
      seen.addAll(orders);
      cursor = (String) page.get("next");
      pages++;
    } while (cursor != null);

    assertThat(pages).isEqualTo(3);
    assertThat(seen).extracting(o -> o.get("orderId")).containsExactlyInAnyOrderElementsOf(s.orders());
    List<Instant> created = seen.stream().map(o -> Instant.parse((String) o.get("createdAt"))).toList();
    assertThat(created).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    assertThat(seen).allSatisfy(o -> assertThat((String) o.get("buyer")).contains("***").doesNotContain("buyer-"));
    Map<String, Object> first = seen.stream().filter(o -> o.get("orderId").equals(s.orders().get(0))).findFirst()
        .orElseThrow();
    assertThat(first).containsEntry("buyer", (Object) BuyerIds.mask("shop-p-buyer-0"))
        .containsEntry("status", (Object) "SUCCEEDED").containsEntry("pointId", (Object) (int) s.east())
        .containsEntry("activityId", (Object) (int) s.activity()).containsEntry("amount", (Object) 3990)
        .containsEntry("paidAmount", (Object) 3990);
  }

  @Test
  @SuppressWarnings("unchecked")
  void filtersCombineAndEachMerchantSeesOnlyItsOwnOrders() {
    Sales s = sales("shop-f");
    assertThat(ids(page("MERCHANT", "shop-f", "status=SUCCEEDED&pointId=" + s.east())))
        .containsExactlyInAnyOrder(s.paid().get(0), s.paid().get(2));
    assertThat(ids(page("MERCHANT", "shop-f", "activityId=" + s.activity() + "&status=RESERVED")))
        .containsExactlyInAnyOrderElementsOf(s.orders().subList(4, 7));
    assertThat(ids(page("MERCHANT", "shop-f", "pointId=" + s.west()))).containsExactlyInAnyOrder(
        s.orders().get(1), s.orders().get(3), s.orders().get(5));
    // Without an activity: the merchant's own orders, none of the rival's, found by the order's own
    // merchant_id, which the projector wrote from the activity; an admin sees both.
    assertThat(rows.count("SELECT COUNT(*) AS n FROM orders WHERE activity_id = " + s.activity()
        + " AND merchant_id = 'shop-f'")).isEqualTo(7);
    assertThat(rows.count("SELECT COUNT(*) AS n FROM orders WHERE activity_id = " + s.other()
        + " AND merchant_id = 'shop-f-rival'")).isEqualTo(1);
    assertThat(ids(page("MERCHANT", "shop-f", ""))).containsExactlyInAnyOrderElementsOf(s.orders());
    assertThat(ids(page("MERCHANT", "shop-f-rival", ""))).hasSize(1).allSatisfy(id -> assertThat(id)
        .startsWith(s.other() + "-"));
    assertThat(ids(page("ADMIN", "admin-1", "limit=200"))).containsAll(s.orders())
        .anySatisfy(id -> assertThat(id).startsWith(s.other() + "-"));

    // A period of creation: [from, to).
    Instant third = Instant.parse((String) ((List<Map<String, Object>>) page("MERCHANT", "shop-f",
        "activityId=" + s.activity()).get("orders")).stream().filter(o -> o.get("orderId").equals(s.orders().get(2)))
        .findFirst().orElseThrow().get("createdAt"));
    Set<String> since = Set.copyOf(ids(page("MERCHANT", "shop-f", "activityId=" + s.activity() + "&from=" + third)));
    Set<String> before = Set.copyOf(ids(page("MERCHANT", "shop-f", "activityId=" + s.activity() + "&to=" + third)));
    assertThat(since).contains(s.orders().get(2)).doesNotContainAnyElementsOf(before);
    assertThat(before).doesNotContain(s.orders().get(2));
    assertThat(since.size() + before.size()).isEqualTo(7);
    assertThat(ids(page("MERCHANT", "shop-f", "activityId=" + s.activity() + "&from=" + third + "&to="
        + third.plusMillis(1) + "&status=SUCCEEDED"))).containsExactly(s.orders().get(2));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theCsvExportHasTheSameRows() {
    Sales s = sales("shop-c");
    String csv = as("MERCHANT", "shop-c").get().uri("/api/v1/merchant/orders?activityId={a}&status=SUCCEEDED",
            s.activity())
        .accept(MediaType.parseMediaType("text/csv")).exchange()
        .expectStatus().isOk().expectHeader().contentTypeCompatibleWith("text/csv")
        .expectBody(String.class).returnResult().getResponseBody();
    List<String> lines = csv.lines().toList();
    assertThat(lines.get(0)).isEqualTo(
        "order_id,activity_id,group_id,buyer,status,amount,paid_amount,refunded_amount,point_id,created_at,picked_up_at");
    assertThat(lines.subList(1, lines.size())).extracting(l -> l.split(",")[0])
        .containsExactlyElementsOf(ids(page("MERCHANT", "shop-c", "activityId=" + s.activity() + "&status=SUCCEEDED")));
    assertThat(lines.subList(1, lines.size())).allSatisfy(l -> assertThat(l)
        .contains("," + s.activity() + ",,").contains(",SUCCEEDED,3990,3990,,").doesNotContain("buyer-"));
    // Times as the merchant's wall clock in Asia/Shanghai, offset written out; the same instants as the JSON.
    Map<String, Instant> json = ((List<Map<String, Object>>) page("MERCHANT", "shop-c", "activityId=" + s.activity()
        + "&status=SUCCEEDED").get("orders")).stream()
        .collect(Collectors.toMap(o -> (String) o.get("orderId"), o -> Instant.parse((String) o.get("createdAt"))));
    assertThat(lines.subList(1, lines.size())).allSatisfy(l -> {
      String createdAt = l.split(",")[9];
      assertThat(createdAt).endsWith("+08:00");
      assertThat(OffsetDateTime.parse(createdAt).toInstant()).isEqualTo(json.get(l.split(",")[0]));
    });
  }

  @Test
  void badFiltersOfTheCsvExportAreProblemDetails() {
    for (String[] bad : new String[][] {{"status", "SOLD"}, {"from", "yesterday"}, {"cursor", "%%%"},
        {"activityId", "abc"}}) {
      as("MERCHANT", "shop-x").get().uri("/api/v1/merchant/orders?" + bad[0] + "=" + bad[1])
          .accept(MediaType.parseMediaType("text/csv")).exchange()
          .expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody().jsonPath("$.code").isEqualTo("INVALID_REQUEST").jsonPath("$.errors[0].field").isEqualTo(bad[0]);
    }
  }

  @Test
  void othersActivitiesAndBadInputsAreRefused() {
    Sales s = sales("shop-r");
    refused(as("MERCHANT", "shop-r").get().uri("/api/v1/merchant/orders?activityId=" + s.other()), 403, "FORBIDDEN");
    refused(as("MERCHANT", "shop-r").get().uri("/api/v1/merchant/orders?activityId=" + s.other())
        .accept(MediaType.parseMediaType("text/csv")), 403, "FORBIDDEN");
    refused(as("MERCHANT", "shop-r").get().uri("/api/v1/merchant/orders?activityId=999999999"), 404, "NOT_FOUND");
    refused(as("CUSTOMER", "shop-r-buyer-0").get().uri("/api/v1/merchant/orders"), 403, "FORBIDDEN");
    refused(as("STAFF", "clerk").get().uri("/api/v1/merchant/orders"), 403, "FORBIDDEN");
    assertThat(ids(page("ADMIN", "admin-1", "activityId=" + s.other()))).hasSize(1);

    for (String[] bad : new String[][] {{"status", "SOLD"}, {"limit", "0"}, {"limit", "201"}, {"limit", "x"},
        {"cursor", "bm90LWEtY3Vyc29y"}, {"cursor", "OTk5OTk5OTk5OTk5OTk5OjEtMQ"}, {"cursor", "%%%"}, {"from", "yesterday"}, {"to", "1999-12-31T00:00:00Z"},
        {"activityId", "abc"}, {"activityId", "0"}, {"pointId", "9007199254740993"}}) {
      as("MERCHANT", "shop-r").get().uri("/api/v1/merchant/orders?" + bad[0] + "=" + bad[1]).exchange()
          .expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody().jsonPath("$.code").isEqualTo("INVALID_REQUEST").jsonPath("$.errors[0].field").isEqualTo(bad[0]);
    }
    as("MERCHANT", "shop-r").get().uri("/api/v1/merchant/orders?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z")
        .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("to");
  }

  // --- helpers ---------------------------------------------------------------------------------

  private String reserve(String buyer, long activity, long point) {
    Map<?, ?> order = as("CUSTOMER", buyer).post().uri("/api/v1/activities/{id}/orders", activity)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("pickupPointId", point))
        .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    return (String) order.get("orderId");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> page(String role, String subject, String query) {
    return as(role, subject).get().uri("/api/v1/merchant/orders?" + query).accept(MediaType.APPLICATION_JSON)
        .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
  }

  @SuppressWarnings("unchecked")
  private static List<String> ids(Map<String, Object> page) {
    return ((List<Map<String, Object>>) page.get("orders")).stream().map(o -> (String) o.get("orderId"))
        .collect(Collectors.toList());
  }

  private void refused(WebTestClient.RequestHeadersSpec<?> request, int status, String code) {
    request.exchange().expectStatus().isEqualTo(status).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo(code);
  }

  private WebTestClient as(String role, String subject) {
    return http.mutate().defaultHeaders(h -> h.setBearerAuth(Tokens.of(role, subject))).build();
  }
}
