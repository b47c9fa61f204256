package dev.flashgroup.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.support.IsolatedServices;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.WebSessionManager;
import reactor.core.publisher.Mono;

/**
 * Requests carry their whole security context in the token: nothing asks for a WebSession, whose
 * creation would hand every request to two other thread pools and back.
 */
@IsolatedServices
@ApiTest
@Import(StatelessRequestsTest.CountingSessions.class)
class StatelessRequestsTest {

  static final AtomicInteger SESSIONS_ASKED_FOR = new AtomicInteger();

  @TestConfiguration
  static class CountingSessions {

    @Bean(WebHttpHandlerBuilder.WEB_SESSION_MANAGER_BEAN_NAME)
    WebSessionManager webSessionManager() {
      DefaultWebSessionManager sessions = new DefaultWebSessionManager();
      return new WebSessionManager() {
        @Override
        public Mono<WebSession> getSession(ServerWebExchange exchange) {
          // Every exchange holds this Mono; only subscribing to it looks the session up.
          return sessions.getSession(exchange).doOnSubscribe(s -> SESSIONS_ASKED_FOR.incrementAndGet());
        }
      };
    }
  }

  @Autowired WebTestClient http;

  @Test
  void servesReservationsRefusalsAndHealthWithoutASession() {
    Shop shop = new Shop(http);
    long activity = shop.schedule("shop-1", Shop.activity(2, 1, 1, Duration.ofHours(1), Duration.ofHours(1)));
    shop.solo("alice", activity);
    shop.post("bob", "/api/v1/activities/" + activity + "/orders").expectStatus().isEqualTo(409);
    http.get().uri("/api/v1/orders/1-1").exchange().expectStatus().isUnauthorized();
    http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    http.get().uri("/actuator/health").exchange().expectBody().jsonPath("$.components.rabbit.status").isEqualTo("UP");

    assertThat(SESSIONS_ASKED_FOR).hasValue(0);
  }
}
