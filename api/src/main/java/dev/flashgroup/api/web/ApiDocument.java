package dev.flashgroup.api.web;

import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.pickup.PickupCodes;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document a mini-program developer generates a client from: the bounds every field is
 * checked against (the constants the checks use), required fields, enums, the bearer scheme on
 * every operation that needs a token, and every error answer as a problem detail with its codes.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocument {

  private static final String BEARER = "bearer";
  private static final String PROBLEM = "Problem";
  private static final String JSON_PROBLEM = "application/problem+json";
  private static final List<String> RESERVATION_REFUSALS = List.of("NOT_STARTED", "ENDED", "SOLD_OUT", "LIMIT_REACHED",
      "ACTIVITY_CANCELLED", "PICKUP_POINT_NOT_SERVED", "POINT_SOLD_OUT", "PICKUP_POINT_CLOSED");
  private static final String VERIFY = "POST /api/v1/pickup-points/\\{pointId}/verifications";
  private static final String RESERVE = "POST /api/v1/(activities/[^/]+/(groups|groups/match|orders)|groups/[^/]+/members)";

  /** Operations anyone may call: WeChat's callbacks, login, share images, the document itself. */
  private static final Pattern PUBLIC = Pattern.compile(
      "POST /api/v1/(auth/wechat|payments/wechat/.*)|GET /api/v1/(groups|activities)/[^/]+/poster\\.png|GET /(v3|actuator/health).*");

  /** Error answers beyond the ones every operation may give, by operation ("METHOD path" regex). */
  private static final List<Errors> ERRORS = List.of(
      new Errors(".* /api/v1/merchant/activities", 400, "INVALID_REQUEST", "MALFORMED_REQUEST"),
      new Errors("(GET|PUT|POST) /api/v1/merchant/activities/\\{id}.*", 404, "NOT_FOUND"),
      new Errors("PUT /api/v1/merchant/activities/\\{id}", 400, "INVALID_REQUEST", "MALFORMED_REQUEST"),
      new Errors("PUT /api/v1/merchant/activities/\\{id}", 409, "ACTIVITY_STARTED", "ACTIVITY_CANCELLED",
          "SHARDS_FIXED"),
      new Errors("POST /api/v1/merchant/activities/\\{id}/cancellation", 409, "ACTIVITY_CANCELLED", "ACTIVITY_ENDED"),
      new Errors("POST /api/v1/merchant/activities/\\{id}/stock", 400, "INVALID_REQUEST", "MALFORMED_REQUEST"),
      new Errors("POST /api/v1/merchant/activities/\\{id}/stock", 409, "ACTIVITY_CANCELLED", "ACTIVITY_ENDED",
          "ALLOCATED_PER_POINT", "SHARDED_ACTIVITY"),
      new Errors("POST /api/v1/merchant/activities/\\{id}/allocation", 400, "INVALID_REQUEST", "MALFORMED_REQUEST"),
      new Errors("POST /api/v1/merchant/activities/\\{id}/allocation", 409, "ACTIVITY_CANCELLED", "ACTIVITY_ENDED",
          "NOT_ALLOCATED", "PICKUP_POINT_NOT_SERVED", "NOT_ENOUGH_UNITS", "POINT_CLOSED", "SHARDED_ACTIVITY"),
      new Errors("POST /api/v1/merchant/activities/\\{id}/allocation", 422, "IDEMPOTENCY_KEY_REUSED"),
      new Errors("(POST|PUT) /api/v1/admin/pickup-points.*", 400, "INVALID_REQUEST", "MALFORMED_REQUEST"),
      new Errors(".* /api/v1/admin/pickup-points/\\{id}.*", 404, "NOT_FOUND"),
      new Errors("GET /api/v1/admin/pickup-points/\\{id}/verifications", 400, "INVALID_REQUEST"),
      new Errors("GET /api/v1/pickup-points/nearby", 400, "INVALID_REQUEST"),
      new Errors("GET /api/v1/pickup-points/nearby", 404, "NOT_FOUND"),
      new Errors(RESERVE, 400, "INVALID_REQUEST", "MALFORMED_REQUEST", "PICKUP_POINT_REQUIRED"),
      new Errors(RESERVE, 404, "NOT_FOUND"),
      new Errors("POST /api/v1/activities/[^/]+/groups", 409, with(RESERVATION_REFUSALS, "MATCH_ONLY")),
      new Errors("POST /api/v1/activities/[^/]+/groups/match", 409, with(RESERVATION_REFUSALS, "ALREADY_IN_GROUP")),
      new Errors("POST /api/v1/activities/[^/]+/orders", 409, RESERVATION_REFUSALS.toArray(String[]::new)),
      new Errors("POST /api/v1/groups/[^/]+/members", 409,
          with(RESERVATION_REFUSALS, "GROUP_FULL", "GROUP_CLOSED", "ALREADY_IN_GROUP", "GROUP_IN_OTHER_SHARD")),
      new Errors("GET /api/v1/(activities|groups|orders)/\\{[^}]+}.*", 404, "NOT_FOUND"),
      new Errors("GET /api/v1/activities/[^/]+/groups", 400, "INVALID_REQUEST"),
      new Errors("GET /api/v1/orders/\\{orderId}/pickup.*", 409, "NOT_COLLECTABLE", "NO_PICKUP"),
      new Errors(VERIFY, 400, "INVALID_REQUEST", "MALFORMED_REQUEST"),
      new Errors(VERIFY, 403, "NOT_POINT_STAFF"),
      new Errors(VERIFY, 404, "NOT_FOUND", "UNKNOWN_CODE"),
      new Errors(VERIFY, 409, "ALREADY_PICKED_UP", "WRONG_POINT", "NOT_COLLECTABLE"),
      new Errors(VERIFY, 429, "TOO_MANY_ATTEMPTS"),
      new Errors("POST /api/v1/orders/[^/]+/payment", 404, "NOT_FOUND"),
      new Errors("POST /api/v1/orders/[^/]+/payment", 409, "NOT_PAYABLE"),
      new Errors("POST /api/v1/orders/[^/]+/payment", 422, "NO_WECHAT_ACCOUNT"),
      new Errors("POST /api/v1/(orders/[^/]+/payment|auth/wechat)", 502, "WECHAT_UNAVAILABLE"),
      new Errors("POST /api/v1/auth/wechat", 400, "MALFORMED_REQUEST", "INVALID_REQUEST"),
      new Errors("POST /api/v1/auth/wechat", 401, "INVALID_CODE"),
      new Errors("POST /api/v1/payments/wechat/.*", 400, "FOREIGN_PAYMENT", "MALFORMED_REQUEST"),
      new Errors("POST /api/v1/payments/wechat/.*", 401, "INVALID_SIGNATURE", "STALE_NOTIFICATION"),
      new Errors(".* /api/v1/leader/(dashboard|ledger|withdrawals|materials)", 400, "INVALID_REQUEST"),
      new Errors(".* /api/v1/leader/(dashboard|ledger|withdrawals|materials)", 403, "NOT_A_LEADER", "LEADER_SUSPENDED"),
      new Errors("GET /api/v1/(groups|activities)/[^/]+/poster\\.png", 400, "INVALID_REQUEST"),
      new Errors("POST /api/v1/leader/withdrawals", 400, "MALFORMED_REQUEST"),
      new Errors("POST /api/v1/leader/withdrawals", 409, "INSUFFICIENT_BALANCE", "WITHDRAWAL_PENDING"),
      new Errors("POST /api/v1/leader/withdrawals", 422, "BELOW_MINIMUM_WITHDRAWAL"),
      new Errors(".* /api/v1/admin/(leaders/\\{subject}/(dashboard|ledger|commissions/.*)|withdrawals/.*)", 400,
          "INVALID_REQUEST"),
      new Errors(".* /api/v1/admin/(leaders/\\{subject}/(dashboard|ledger|commissions/.*)|withdrawals/.*)", 404,
          "NOT_FOUND"),
      new Errors("POST /api/v1/admin/(leaders/\\{subject}/commissions/.*|withdrawals/.*)", 400, "MALFORMED_REQUEST"),
      new Errors("POST /api/v1/admin/leaders/\\{subject}/commissions/.*", 409, "ALREADY_REVERSED"),
      new Errors("POST /api/v1/admin/withdrawals/.*", 409, "ALREADY_DECIDED"),
      new Errors("POST /api/v1/orders/\\{orderId}/claims", 400, "INVALID_REQUEST", "MALFORMED_REQUEST",
          "ABOVE_REFUNDABLE"),
      new Errors("POST /api/v1/orders/\\{orderId}/claims", 409, "NOT_PICKED_UP", "CLAIM_WINDOW_CLOSED",
          "CLAIM_LIMIT_REACHED"),
      new Errors(".* /api/v1/merchant/claims.*", 400, "INVALID_REQUEST", "MALFORMED_REQUEST"),
      new Errors("POST /api/v1/merchant/claims/\\{id}/approval", 400, "ABOVE_CLAIMED"),
      new Errors("POST /api/v1/merchant/claims/\\{id}/(approval|rejection)", 404, "NOT_FOUND"),
      new Errors("POST /api/v1/merchant/claims/\\{id}/(approval|rejection)", 409, "ALREADY_DECIDED"),
      new Errors("GET /api/v1/(groups|activities)/[^/]+/poster\\.png", 429, "TOO_MANY_REQUESTS"),
      new Errors("GET /api/v1/admin/analytics/.*", 400, "INVALID_REQUEST"),
      new Errors("GET /api/v1/admin/analytics/funnel", 404, "NOT_FOUND"));

  private record Errors(Pattern operation, int status, List<String> codes) {
    Errors(String operation, int status, String... codes) {
      this(Pattern.compile(operation), status, List.of(codes));
    }
  }

  private static String[] with(List<String> codes, String... more) {
    List<String> all = new ArrayList<>(codes);
    all.addAll(Arrays.asList(more));
    return all.toArray(String[]::new);
  }

  @Bean
  OpenAPI flashgroupApi() {
    return new OpenAPI()
        .info(new Info().title("flashgroup").version("v1")
            .description("Community group-buying and flash groups. Money in fen; instants ISO-8601; every error "
                + "is an RFC 9457 problem detail with a stable code."))
        .components(new Components()
            .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                .bearerFormat("JWT").description("HS256 token with sub, exp, iss=flashgroup and roles")));
  }

  @Bean
  OpenApiCustomizer boundsAndErrors() {
    return api -> {
      // Here, not on the bean: springdoc replaces the bean's schemas with the ones it generates.
      api.getComponents().addSchemas(PROBLEM, problemSchema());
      describeBounds(api.getComponents().getSchemas());
      api.getPaths().forEach((path, item) -> item.readOperationsMap()
          .forEach((method, operation) -> describe(method + " " + path, operation)));
    };
  }

  private static void describe(String operation, Operation op) {
    boolean open = PUBLIC.matcher(operation).matches();
    if (op.getParameters() != null) {
      op.getParameters().stream().filter(p -> IdempotencyKeys.HEADER.equals(p.getName()))
          .forEach(p -> p.getSchema().pattern(IdempotencyKeys.PATTERN).maxLength(64)
              .description("a retry with the same key gets the first answer"));
    }
    if (!open) {
      op.addSecurityItem(new SecurityRequirement().addList(BEARER));
    }
    Map<Integer, List<String>> codes = new TreeMap<>();
    if (!open) {
      codes.put(401, List.of("UNAUTHORIZED"));
      codes.put(403, List.of("FORBIDDEN"));
    }
    codes.put(429, List.of("TOO_MANY_REQUESTS"));
    codes.put(503, List.of("UNAVAILABLE"));
    for (Errors errors : ERRORS) {
      if (errors.operation().matcher(operation).matches()) {
        codes.merge(errors.status(), errors.codes(), (a, b) -> {
          List<String> merged = new ArrayList<>(a);
          b.stream().filter(c -> !merged.contains(c)).forEach(merged::add);
          return merged;
        });
      }
    }
    codes.forEach((status, values) -> op.getResponses().addApiResponse(Integer.toString(status), problem(values)));
  }

  private static ApiResponse problem(List<String> codes) {
    Schema<?> schema = new Schema<>().$ref("#/components/schemas/" + PROBLEM);
    Schema<?> withCodes = new ObjectSchema().allOf(List.of(schema,
        new ObjectSchema().addProperty("code", new StringSchema()._enum(codes))));
    return new ApiResponse().description(String.join(", ", codes))
        .content(new Content().addMediaType(JSON_PROBLEM, new MediaType().schema(withCodes)));
  }

  private static Schema<?> problemSchema() {
    Schema<?> error = new ObjectSchema().addProperty("field", new StringSchema()).addProperty("message", new StringSchema());
    return new ObjectSchema().description("RFC 9457 problem detail")
        .addProperty("type", new StringSchema().format("uri"))
        .addProperty("title", new StringSchema())
        .addProperty("status", new IntegerSchema())
        .addProperty("detail", new StringSchema())
        .addProperty("instance", new StringSchema().format("uri"))
        .addProperty("code", new StringSchema().description("stable machine-readable code"))
        .addProperty("errors", new ArraySchema().items(error).description("every bad field, when known"))
        .required(List.of("type", "status", "code"));
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static void describeBounds(Map<String, Schema> schemas) {
    Schema activity = schemas.get("ActivityRequest");
    if (activity != null) {
      Map<String, Schema> p = activity.getProperties();
      p.get("title").minLength(1).maxLength(ActivityDraft.MAX_TITLE_LENGTH);
      p.get("mode")._enum(Arrays.stream(Mode.values()).map(Enum::name).toList());
      amount(p.get("groupPrice"));
      amount(p.get("soloPrice"));
      integer(p.get("groupSize"), ActivityDraft.MIN_GROUP_SIZE, ActivityDraft.MAX_GROUP_SIZE);
      integer(p.get("stock"), 1, ActivityDraft.MAX_STOCK);
      integer(p.get("perUserLimit"), 1, ActivityDraft.MAX_PER_USER_LIMIT);
      integer(p.get("virtualSuccessMissing"), 0, ActivityDraft.MAX_GROUP_SIZE - 1);
      integer(p.get("leaderCommissionBps"), 0, ActivityDraft.MAX_COMMISSION_BPS)
          .description("basis points of the final price the attributed leader earns; default flashgroup.leaders.default-bps");
      integer(p.get("shards"), 1, ActivityDraft.MAX_SHARDS)
          .description("Redis buckets the stock is split into (hot activities; default 1, at most the stock); fixed"
              + " at creation: an edit naming another count is 409 SHARDS_FIXED");
      p.get("talkingPoints").maxLength(ActivityDraft.MAX_TALKING_POINTS_LENGTH)
          .description("optional text for leaders' materials, printable (no control characters); left out keeps"
              + " the current ones on an edit, blank removes them");
      p.get("startsAt").format("date-time");
      p.get("endsAt").format("date-time").description("after startsAt, in the future, at most "
          + ActivityDraft.MAX_AHEAD.toDays() + " days after startsAt");
      p.get("groupTtl").format("duration").description("ISO-8601, at most " + ActivityDraft.MAX_TIMER);
      p.get("payWindow").format("duration").description("ISO-8601, at most " + ActivityDraft.MAX_TIMER);
      p.get("tiers").maxItems(ActivityDraft.MAX_TIERS).description("TIERED only: sizes rising, prices falling");
      activity.required(List.of("title", "mode", "soloPrice", "stock", "perUserLimit", "startsAt", "endsAt", "groupTtl",
          "payWindow"));
    }
    Schema tier = schemas.get("Tier");
    if (tier != null) {
      integer((Schema) tier.getProperties().get("size"), ActivityDraft.MIN_GROUP_SIZE, ActivityDraft.MAX_GROUP_SIZE);
      amount((Schema) tier.getProperties().get("price"));
      tier.required(List.of("size", "price"));
    }
    Schema stock = schemas.get("StockRequest");
    if (stock != null) {
      integer((Schema) stock.getProperties().get("units"), 1, ActivityDraft.MAX_STOCK);
      stock.required(List.of("units"));
    }
    Schema verification = schemas.get("VerificationRequest");
    if (verification != null) {
      ((Schema) verification.getProperties().get("code")).pattern(PickupCodes.FORMAT.pattern())
          .description("the pickup code's digits, no spaces");
      verification.required(List.of("code"));
    }
    Schema login = schemas.get("LoginRequest");
    if (login != null) {
      ((Schema) login.getProperties().get("code")).minLength(1).maxLength(128);
      login.required(List.of("code"));
    }
  }

  @SuppressWarnings("rawtypes")
  private static void amount(Schema schema) {
    integer(schema, 1, ActivityDraft.MAX_AMOUNT).description("fen (1/100 yuan)");
  }

  @SuppressWarnings("rawtypes")
  private static Schema integer(Schema schema, long min, long max) {
    return schema.minimum(BigDecimal.valueOf(min)).maximum(BigDecimal.valueOf(max));
  }
}
