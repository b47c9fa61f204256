package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.support.IsolatedServices;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A problem keeps its stable {@code code} in every language; its {@code title} and {@code detail}
 * follow {@code Accept-Language} (zh-CN or en, English when neither is asked for), whether a
 * handler answered it, an exception handler, or a security filter.
 */
@IsolatedServices
@ApiTest
class ProblemLanguageTest {

  @Autowired WebTestClient http;

  @Test
  void theSameRefusalInChineseAndEnglishHasTheSameCodeAndADifferentDetail() {
    Map<?, ?> chinese = problem("/api/v1/merchant/orders?limit=0", "MERCHANT", "zh-CN", 400);
    Map<?, ?> english = problem("/api/v1/merchant/orders?limit=0", "MERCHANT", "en", 400);

    assertThat(chinese.get("code")).isEqualTo("INVALID_REQUEST").isEqualTo(english.get("code"));
    assertThat(chinese.get("title")).isEqualTo("请求参数有误");
    assertThat((String) chinese.get("detail")).isEqualTo("请求中有字段不符合要求，详见 errors");
    assertThat(english.get("title")).isEqualTo("Invalid request");
    assertThat(english.get("detail")).isEqualTo("limit must be between 1 and 200");
    assertThat(chinese.get("errors")).isEqualTo(english.get("errors"));
    assertThat(chinese.get("type")).isEqualTo(english.get("type"));
  }

  @Test
  void withoutAChoiceOfOursTheAnswerIsEnglish() {
    for (String header : new String[] {null, "fr-FR", "de;q=0.9, ja", "zh-CN;q=0", "###", "x".repeat(300)}) {
      Map<?, ?> answer = problem("/api/v1/merchant/orders?limit=0", "MERCHANT", header, 400);
      assertThat(answer.get("title")).as("Accept-Language: %s", header).isEqualTo("Invalid request");
    }
  }

  @Test
  void chineseIsFoundAmongTheLanguagesAsked() {
    for (String header : new String[] {"zh", "zh-Hans-CN", "fr;q=0.9, zh-CN;q=0.8, en;q=0.7", "zh-cn"}) {
      assertThat(problem("/api/v1/merchant/orders?limit=0", "MERCHANT", header, 400).get("title"))
          .as("Accept-Language: %s", header).isEqualTo("请求参数有误");
    }
    assertThat(problem("/api/v1/merchant/orders?limit=0", "MERCHANT", "en-US, zh-CN;q=0.5", 400).get("title"))
        .isEqualTo("Invalid request");
  }

  @Test
  void filtersAndExceptionHandlersAnswerInTheLanguageToo() {
    Map<?, ?> unauthorized = problem("/api/v1/merchant/orders", null, "zh-CN", 401);
    assertThat(unauthorized.get("code")).isEqualTo("UNAUTHORIZED");
    assertThat(unauthorized.get("detail")).isEqualTo("需要有效的登录凭证（Bearer token）");
    Map<?, ?> forbidden = problem("/api/v1/merchant/orders", "CUSTOMER", "zh-CN", 403);
    assertThat(forbidden.get("code")).isEqualTo("FORBIDDEN");
    assertThat(forbidden.get("title")).isEqualTo("无权操作");
    assertThat(problem("/api/v1/merchant/orders", "CUSTOMER", "en", 403).get("detail"))
        .isEqualTo("Your role may not use this endpoint");
    Map<?, ?> notFound = problem("/api/v1/merchant/orders?activityId=999999999", "MERCHANT", "zh-CN", 404);
    assertThat(notFound.get("code")).isEqualTo("NOT_FOUND");
    assertThat(notFound.get("detail")).isEqualTo("要找的内容不存在");
    // The CSV export's refusal is a problem detail, in Chinese when asked.
    http.get().uri("/api/v1/merchant/orders?status=SOLD").headers(h -> {
          h.setBearerAuth(Tokens.of("MERCHANT", "shop-1"));
          h.set(HttpHeaders.ACCEPT_LANGUAGE, "zh-CN");
        })
        .accept(MediaType.parseMediaType("text/csv")).exchange()
        .expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.code").isEqualTo("INVALID_REQUEST").jsonPath("$.title").isEqualTo("请求参数有误");
  }

  private Map<?, ?> problem(String uri, String role, String language, int status) {
    return http.get().uri(uri).headers(h -> {
          if (role != null) {
            h.setBearerAuth(Tokens.of(role, role.equals("MERCHANT") ? "shop-1" : "someone"));
          }
          if (language != null) {
            h.set(HttpHeaders.ACCEPT_LANGUAGE, language);
          }
        })
        .accept(MediaType.APPLICATION_JSON).exchange()
        .expectStatus().isEqualTo(status).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody(Map.class).returnResult().getResponseBody();
  }
}
