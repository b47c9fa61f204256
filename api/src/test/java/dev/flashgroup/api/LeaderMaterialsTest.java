package dev.flashgroup.api;

import static dev.flashgroup.api.Calls.ok;
import static dev.flashgroup.api.Calls.refused;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.flashgroup.engine.support.IsolatedServices;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A leader's materials (素材库) over HTTP, on the real services: which activities a POINT and a
 * COMMUNITY leader get, the share card and the poster they hand out (each naming them as referrer,
 * and each answering), the merchant's talking points from scheduling through edits, and who is refused.
 */
@IsolatedServices
@ApiTest
class LeaderMaterialsTest {

  private static final String MATERIALS = "/api/v1/leader/materials";
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;

  private WebTestClient.ResponseSpec as(String role, String subject, HttpMethod method, String uri, Object body) {
    return new Calls(http).as(role, subject, method, uri, body);
  }


  private void invalid(WebTestClient.ResponseSpec answer, String field) {
    answer.expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo("INVALID_REQUEST").jsonPath("$.errors[0].field").isEqualTo(field);
  }

  private long point(String name) {
    return ((Number) ok(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/pickup-points",
        PickupPointsTest.point(name, 24.80, 113.60))).get("id")).longValue();
  }

  /** Applies with {@code application}, is approved, and leads. */
  private void lead(String buyer, Map<String, Object> application) {
    Map<?, ?> applied = ok(as("CUSTOMER", buyer, HttpMethod.POST, "/api/v1/leader-applications", application));
    ok(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/leader-applications/" + applied.get("id") + "/approval",
        null));
  }

  private void leadsCommunity(String buyer) {
    lead(buyer, Map.of("name", "Lu", "phone", "13800138000", "kind", "COMMUNITY", "communityName", "花园群"));
  }

  private void leadsPoint(String buyer, long point) {
    lead(buyer, Map.of("name", "Wang", "phone", "13800138001", "kind", "POINT", "pointId", point));
  }

  /** An activity starting {@code startsIn} from now (negative: running), delivering to {@code points} if any. */
  private long activity(Duration startsIn, String talkingPoints, long... points) {
    Map<String, Object> body = Shop.activity(2, 10 * Math.max(1, points.length), 1, Duration.ofMinutes(10),
        Duration.ofMinutes(5));
    Instant start = Instant.now().plus(startsIn);
    body.put("startsAt", start.toString());
    body.put("endsAt", start.plus(Duration.ofHours(2)).toString());
    if (points.length > 0) {
      body.put("pickup", Map.of("points", java.util.Arrays.stream(points)
          .mapToObj(p -> Map.of("pointId", p, "stock", 10)).toList()));
    }
    if (talkingPoints != null) {
      body.put("talkingPoints", talkingPoints);
    }
    return ((Number) ok(as("MERCHANT", "shop-1", HttpMethod.POST, "/api/v1/merchant/activities", body)).get("id"))
        .longValue();
  }

  /** Arranged in MySQL, where the materials read: the activity ended a minute ago. */
  private void ended(long activity) {
    db.sql("UPDATE activities SET starts_at = UTC_TIMESTAMP(3) - INTERVAL 3 HOUR,"
            + " ends_at = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE WHERE id = :id")
        .bind("id", activity).then().block(PATIENCE);
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> materials(String leader, String query) {
    return (List<Map<String, Object>>) ok(as("LEADER", leader, HttpMethod.GET, MATERIALS + query, null))
        .get("materials");
  }

  private static List<Long> ids(List<Map<String, Object>> materials) {
    return materials.stream().map(m -> ((Number) m.get("activityId")).longValue()).toList();
  }

  private Map<?, ?> merchantView(long activity) {
    return ok(as("MERCHANT", "shop-1", HttpMethod.GET, "/api/v1/merchant/activities/" + activity, null));
  }

  private static String decodeQr(byte[] png) throws Exception {
    var image = ImageIO.read(new ByteArrayInputStream(png));
    return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))))
        .getText();
  }

  @Test
  void aPointLeaderGetsOnlyTheRunningAndUpcomingActivitiesDeliveringToTheirPoint() {
    long mine = point("红旗店");
    long other = point("东门店");
    leadsPoint("lead-p", mine);
    long running = activity(Duration.ofMinutes(-5), null, mine, other);
    long elsewhere = activity(Duration.ofMinutes(-4), null, other);
    long upcoming = activity(Duration.ofHours(1), "今晚八点开抢，沙田柚一年一季", mine);
    long over = activity(Duration.ofMinutes(-3), null, mine);
    ended(over);
    long cancelled = activity(Duration.ofHours(2), null, mine);
    ok(as("MERCHANT", "shop-1", HttpMethod.POST, "/api/v1/merchant/activities/" + cancelled + "/cancellation", null));
    long noPoints = activity(Duration.ofMinutes(-2), null);

    List<Map<String, Object>> materials = materials("lead-p", "");

    assertThat(ids(materials)).containsExactly(running, upcoming).doesNotContain(elsewhere, over, cancelled, noPoints);
    Map<String, Object> first = materials.get(0);
    assertThat(first.get("status")).isEqualTo("RUNNING");
    assertThat(first.get("talkingPoints")).isNull();
    assertThat(first.get("groupPrice")).isEqualTo(2990);
    assertThat(first.get("shareCardUrl")).isEqualTo("/api/v1/activities/" + running + "/share-card");
    assertThat(first.get("sharePath")).isEqualTo("/pages/activity/index?activityId=" + running + "&referrer=lead-p");
    assertThat(first.get("posterUrl")).isEqualTo("/api/v1/activities/" + running + "/poster.png?referrer=lead-p");
    Map<String, Object> second = materials.get(1);
    assertThat(second.get("status")).isEqualTo("SCHEDULED");
    assertThat(second.get("talkingPoints")).isEqualTo("今晚八点开抢，沙田柚一年一季");
  }

  @Test
  void aCommunityLeaderGetsEveryRunningOrUpcomingActivityByStartAtMostTheLimit() {
    long point = point("南门店");
    leadsCommunity("lead-c");
    long later = activity(Duration.ofHours(3), null, point);
    long now = activity(Duration.ofMinutes(-10), null);
    long soon = activity(Duration.ofMinutes(30), null, point);
    long over = activity(Duration.ofMinutes(-9), null);
    ended(over);

    List<Long> all = ids(materials("lead-c", "?limit=100"));

    assertThat(all).contains(now, soon, later).doesNotContain(over);
    assertThat(all.stream().filter(List.of(now, soon, later)::contains).toList()).containsExactly(now, soon, later);
    assertThat(materials("lead-c", "?limit=1")).hasSize(1);
    assertThat(materials("lead-c", "?limit=100")).allSatisfy(m -> assertThat((String) m.get("posterUrl"))
        .endsWith("/poster.png?referrer=lead-c"));
    invalid(as("LEADER", "lead-c", HttpMethod.GET, MATERIALS + "?limit=0", null), "limit");
    invalid(as("LEADER", "lead-c", HttpMethod.GET, MATERIALS + "?limit=101", null), "limit");
  }

  @Test
  void theMaterialsCardAndPosterAnswerAndCarryTheLeaderAsReferrer() throws Exception {
    leadsCommunity("lead-s");
    long running = activity(Duration.ofMinutes(-1), null);
    long upcoming = activity(Duration.ofHours(5), null);
    for (Map<String, Object> material : materials("lead-s", "?limit=100")) {
      long id = ((Number) material.get("activityId")).longValue();
      if (id != running && id != upcoming) {
        continue;
      }
      Map<?, ?> card = ok(as("LEADER", "lead-s", HttpMethod.GET, (String) material.get("shareCardUrl"), null));
      assertThat(card.get("path")).isEqualTo(material.get("sharePath"));
      assertThat(card.get("imageUrl")).isEqualTo(material.get("posterUrl"));
      assertThat((String) card.get("title")).contains("¥29.90").contains("Shaoguan mandarins 5 kg");
      assertThat(card.get("status")).isEqualTo(id == running ? "RUNNING" : "SCHEDULED");

      // Public, as WeChat fetches share images without our token.
      byte[] png = http.get().uri((String) material.get("posterUrl")).exchange()
          .expectStatus().isOk().expectHeader().contentType(MediaType.IMAGE_PNG)
          .expectBody(byte[].class).returnResult().getResponseBody();
      assertThat(ImageIO.read(new ByteArrayInputStream(png)).getWidth()).isEqualTo(750);
      assertThat(decodeQr(png)).isEqualTo(material.get("sharePath"));
    }
    refused(http.get().uri("/api/v1/activities/" + running + "/poster.png?referrer=<x>").exchange(), 400,
        "INVALID_REQUEST");
    refused(http.get().uri("/api/v1/activities/99999999/poster.png").exchange(), 404, "NOT_FOUND");
    refused(as("CUSTOMER", "bob", HttpMethod.GET, "/api/v1/activities/99999999/share-card", null), 404, "NOT_FOUND");
    http.get().uri("/api/v1/activities/" + running + "/share-card").exchange().expectStatus().isUnauthorized();
  }

  @Test
  void talkingPointsAreSetAtSchedulingChangedByAnEditAndBounded() {
    String longest = "🍊".repeat(1000) + "柚".repeat(1000);
    long activity = activity(Duration.ofHours(1), longest);
    assertThat(merchantView(activity).get("talkingPoints")).isEqualTo(longest);
    assertThat(db.sql("SELECT talking_points FROM activities WHERE id = :id").bind("id", activity)
        .map(r -> r.get(0, String.class)).one().block(PATIENCE)).isEqualTo(longest);

    Map<String, Object> edit = Shop.activity(2, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5));
    edit.put("startsAt", Instant.now().plus(Duration.ofHours(1)).toString());
    edit.put("endsAt", Instant.now().plus(Duration.ofHours(3)).toString());
    edit.put("talkingPoints", "  新鲜到货，团长自提  ");
    String uri = "/api/v1/merchant/activities/" + activity;
    assertThat(ok(as("MERCHANT", "shop-1", HttpMethod.PUT, uri, edit)).get("talkingPoints")).isEqualTo("新鲜到货，团长自提");

    edit.remove("talkingPoints");
    ok(as("MERCHANT", "shop-1", HttpMethod.PUT, uri, edit));
    assertThat(merchantView(activity).get("talkingPoints")).isEqualTo("新鲜到货，团长自提");

    edit.put("talkingPoints", "x" + longest);
    invalid(as("MERCHANT", "shop-1", HttpMethod.PUT, uri, edit), "talkingPoints");
    edit.put("talkingPoints", "第一行\n第二行");
    invalid(as("MERCHANT", "shop-1", HttpMethod.PUT, uri, edit), "talkingPoints");
    assertThat(merchantView(activity).get("talkingPoints")).isEqualTo("新鲜到货，团长自提");

    edit.put("talkingPoints", " ");
    ok(as("MERCHANT", "shop-1", HttpMethod.PUT, uri, edit));
    assertThat(merchantView(activity).get("talkingPoints")).isNull();

    Map<String, Object> tooLong = Shop.activity(2, 10, 1, Duration.ofMinutes(10), Duration.ofMinutes(5));
    tooLong.put("talkingPoints", "柚".repeat(2001));
    invalid(as("MERCHANT", "shop-1", HttpMethod.POST, "/api/v1/merchant/activities", tooLong), "talkingPoints");
  }

  @Test
  void onlyAnActiveLeaderGetsMaterialsAndOnlyTheirOwn() {
    leadsCommunity("lead-a");
    leadsCommunity("lead-b");
    activity(Duration.ofMinutes(-1), "a");
    assertThat(materials("lead-a", "")).allSatisfy(m -> assertThat((String) m.get("sharePath")).endsWith("&referrer=lead-a"));
    assertThat(materials("lead-b", "")).allSatisfy(m -> assertThat((String) m.get("sharePath")).endsWith("&referrer=lead-b"));

    refused(as("CUSTOMER", "lead-a", HttpMethod.GET, MATERIALS, null), 403, "FORBIDDEN");
    refused(as("LEADER", "never-led", HttpMethod.GET, MATERIALS, null), 403, "NOT_A_LEADER");
    http.get().uri(MATERIALS).exchange().expectStatus().isUnauthorized();

    ok(as("ADMIN", "admin-1", HttpMethod.POST, "/api/v1/admin/leaders/lead-b/suspension", Map.of("reason", "投诉")));
    refused(as("LEADER", "lead-b", HttpMethod.GET, MATERIALS, null), 403, "LEADER_SUSPENDED");
    assertThat(materials("lead-a", "")).isNotEmpty();
  }
}
