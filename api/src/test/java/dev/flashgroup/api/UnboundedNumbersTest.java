package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Numbers, durations and instants past what Lua and MySQL hold exactly are refused with a 400
 * naming the field, and change nothing (each of them was taken, coerced or answered 5xx before).
 */
@IsolatedServices
@ApiTest
class UnboundedNumbersTest {

  @Autowired WebTestClient http;
  Shop shop;

  @BeforeEach
  void setUp() {
    shop = new Shop(http);
  }

  private static Map<String, Object> draft() {
    return Shop.activity(2, 10, 1, Duration.ofMinutes(30), Duration.ofMinutes(5));
  }

  private static Map<String, Object> with(String field, Object value) {
    Map<String, Object> body = draft();
    body.put(field, value);
    return body;
  }

  private void refused(Object body, String code, String field) {
    List<?> before = listing();
    shop.merchant("shop-1", HttpMethod.POST, "/api/v1/merchant/activities", body)
        .expectStatus().isBadRequest()
        .expectBody()
        .jsonPath("$.code").isEqualTo(code)
        .jsonPath("$.errors[0].field").isEqualTo(field);
    assertThat(listing()).isEqualTo(before);
  }

  private List<?> listing() {
    return shop.merchant("shop-1", HttpMethod.GET, "/api/v1/merchant/activities", null)
        .expectStatus().isOk().expectBody(List.class).returnResult().getResponseBody();
  }

  @Test
  void refusesFractionsAndTextForIntegerFields() {
    refused(with("stock", 1.5), "MALFORMED_REQUEST", "stock");
    refused(with("groupPrice", 29.9), "MALFORMED_REQUEST", "groupPrice");
    refused(with("stock", "5"), "MALFORMED_REQUEST", "stock");
  }

  @Test
  void refusesPricesThatLuaCannotHoldExactly() {
    Map<String, Object> body = with("groupPrice", Long.MAX_VALUE);
    body.put("soloPrice", Long.MAX_VALUE);
    refused(body, "INVALID_REQUEST", "groupPrice");
  }

  @Test
  void refusesTimersOfYearsAndWindowsOutOfRange() {
    refused(with("groupTtl", "PT27777777H"), "INVALID_REQUEST", "groupTtl");
    refused(with("payWindow", "PT27777777H"), "INVALID_REQUEST", "payWindow");
    Map<String, Object> past = with("startsAt", Instant.now().minusSeconds(7200).toString());
    past.put("endsAt", Instant.now().minusSeconds(3600).toString());
    refused(past, "INVALID_REQUEST", "endsAt");
    Map<String, Object> farAway = with("startsAt", "+10000-01-01T00:00:00Z");
    farAway.put("endsAt", "+10000-01-02T00:00:00Z");
    refused(farAway, "INVALID_REQUEST", "startsAt");
  }

  @Test
  void refusesAListingDayPastWhatMysqlHolds() {
    shop.merchant("shop-1", HttpMethod.GET, "/api/v1/merchant/activities?date=+999999999-12-31", null)
        .expectStatus().isBadRequest()
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("date");
  }

  @Test
  void refusesStockThatWouldPassTheTotalAndAddsNothing() {
    long activity = shop.schedule("shop-1", Shop.activity(2, 10_000_000, 1, Duration.ofMinutes(30),
        Duration.ofMinutes(5)));
    String uri = "/api/v1/merchant/activities/" + activity + "/stock";
    for (int i = 0; i < 9; i++) {
      shop.merchant("shop-1", HttpMethod.POST, uri, Map.of("units", 10_000_000)).expectStatus().isOk();
    }

    shop.merchant("shop-1", HttpMethod.POST, uri, Map.of("units", 1))
        .expectStatus().isBadRequest()
        .expectBody().jsonPath("$.code").isEqualTo("INVALID_REQUEST").jsonPath("$.errors[0].field").isEqualTo("units");
    shop.merchant("shop-1", HttpMethod.POST, uri, Map.of("units", "5"))
        .expectStatus().isBadRequest()
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("units");

    shop.merchant("shop-1", HttpMethod.GET, "/api/v1/merchant/activities/" + activity, null)
        .expectStatus().isOk()
        .expectBody().jsonPath("$.stock").isEqualTo(100_000_000).jsonPath("$.figures.remainingStock").isEqualTo(100_000_000);
  }
}
