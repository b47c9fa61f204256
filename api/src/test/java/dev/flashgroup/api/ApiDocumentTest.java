package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.support.IsolatedServices;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The served OpenAPI document is valid and carries the bounds, enums, security and error codes. */
@IsolatedServices
@ApiTest
class ApiDocumentTest {

  @Autowired WebTestClient http;
  OpenAPI api;

  @BeforeEach
  void read() {
    String document = http.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
        .expectBody(String.class).returnResult().getResponseBody();
    SwaggerParseResult parsed = new OpenAPIParser().readContents(document, null, null);
    assertThat(parsed.getMessages()).isEmpty();
    api = parsed.getOpenAPI();
  }

  @Test
  @SuppressWarnings("rawtypes")
  void activityFieldsCarryTheirBoundsAndEnums() {
    Schema<?> activity = api.getComponents().getSchemas().get("ActivityRequest");
    Schema<?> price = activity.getProperties().get("groupPrice");
    assertThat(price.getMinimum()).isEqualByComparingTo(BigDecimal.ONE);
    assertThat(price.getMaximum()).isEqualByComparingTo(BigDecimal.valueOf(100_000_000));
    assertThat(activity.getProperties().get("title").getMaxLength()).isEqualTo(200);
    assertThat(activity.getProperties().get("mode").getEnum()).containsExactly("STANDARD", "TIERED", "FLASH");
    assertThat(activity.getRequired()).contains("title", "mode", "soloPrice", "stock", "startsAt", "endsAt");
    Schema<?> stock = api.getComponents().getSchemas().get("StockRequest");
    Schema<?> units = stock.getProperties().get("units");
    assertThat(units.getMaximum()).isEqualByComparingTo(BigDecimal.valueOf(10_000_000));
  }

  @Test
  void reservationsNeedABearerTokenAndListTheirRefusals() {
    Operation open = api.getPaths().get("/api/v1/activities/{activityId}/groups").getPost();
    assertThat(open.getSecurity()).anySatisfy(s -> assertThat(s).containsKey("bearer"));
    assertThat(codes(open, "409")).contains("SOLD_OUT", "MATCH_ONLY", "LIMIT_REACHED", "NOT_STARTED");
    assertThat(codes(open, "401")).containsExactly("UNAUTHORIZED");
    assertThat(codes(open, "429")).containsExactly("TOO_MANY_REQUESTS");
    assertThat(open.getParameters()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("Idempotency-Key");
      assertThat(p.getSchema().getPattern()).isEqualTo("^[A-Za-z0-9_-]{1,64}$");
    });
    Operation join = api.getPaths().get("/api/v1/groups/{groupId}/members").getPost();
    assertThat(codes(join, "409")).contains("GROUP_FULL", "GROUP_CLOSED", "ALREADY_IN_GROUP");
  }

  @Test
  void verificationListsItsRefusalsAndTheCodesFormat() {
    Operation verify = api.getPaths().get("/api/v1/pickup-points/{pointId}/verifications").getPost();
    assertThat(verify.getSecurity()).anySatisfy(s -> assertThat(s).containsKey("bearer"));
    assertThat(codes(verify, "409")).containsExactlyInAnyOrder("ALREADY_PICKED_UP", "WRONG_POINT", "NOT_COLLECTABLE");
    assertThat(codes(verify, "403")).containsExactly("FORBIDDEN", "NOT_POINT_STAFF");
    assertThat(codes(verify, "404")).contains("UNKNOWN_CODE");
    assertThat(codes(verify, "429")).contains("TOO_MANY_ATTEMPTS");
    Schema<?> request = api.getComponents().getSchemas().get("VerificationRequest");
    assertThat(request.getProperties().get("code").getPattern()).isEqualTo("[0-9]{13,20}");
    assertThat(request.getRequired()).containsExactly("code");
    Operation pickup = api.getPaths().get("/api/v1/orders/{orderId}/pickup").getGet();
    assertThat(codes(pickup, "409")).containsExactly("NOT_COLLECTABLE", "NO_PICKUP");
    assertThat(codes(pickup, "404")).containsExactly("NOT_FOUND");
    Operation reserve = api.getPaths().get("/api/v1/activities/{activityId}/orders").getPost();
    assertThat(codes(reserve, "409")).contains("PICKUP_POINT_CLOSED");
  }

  @Test
  void wechatCallbacksAndLoginNeedNoToken() {
    Operation notify = api.getPaths().get("/api/v1/payments/wechat/notify").getPost();
    assertThat(notify.getSecurity()).isNullOrEmpty();
    assertThat(codes(notify, "401")).contains("INVALID_SIGNATURE", "STALE_NOTIFICATION");
    assertThat(api.getComponents().getSecuritySchemes().get("bearer").getBearerFormat()).isEqualTo("JWT");
  }

  @Test
  void leaderMaterialsListTheirRefusalsAndActivityPostersNeedNoToken() {
    Operation materials = api.getPaths().get("/api/v1/leader/materials").getGet();
    assertThat(materials.getSecurity()).anySatisfy(s -> assertThat(s).containsKey("bearer"));
    assertThat(codes(materials, "403")).containsExactly("FORBIDDEN", "NOT_A_LEADER", "LEADER_SUSPENDED");
    assertThat(codes(materials, "400")).containsExactly("INVALID_REQUEST");
    Operation poster = api.getPaths().get("/api/v1/activities/{id}/poster.png").getGet();
    assertThat(poster.getSecurity()).isNullOrEmpty();
    assertThat(codes(poster, "404")).containsExactly("NOT_FOUND");
    Schema<?> activity = api.getComponents().getSchemas().get("ActivityRequest");
    assertThat(activity.getProperties().get("talkingPoints").getMaxLength()).isEqualTo(2000);
  }

  @SuppressWarnings("unchecked")
  private static List<String> codes(Operation operation, String status) {
    Schema<?> schema = operation.getResponses().get(status).getContent().get("application/problem+json").getSchema();
    Schema<?> codes = ((List<Schema<?>>) (List<?>) schema.getAllOf()).get(1);
    return (List<String>) codes.getProperties().get("code").getEnum();
  }
}
