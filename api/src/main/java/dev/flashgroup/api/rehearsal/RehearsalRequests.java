package dev.flashgroup.api.rehearsal;

import io.micrometer.observation.ObservationPredicate;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * Marks the rehearsal's own requests with a header whose value is a secret of this process (made
 * at start, never sent anywhere but to this process over loopback), so nothing outside can pass
 * for one. The address limit lets them through (they all come from 127.0.0.1) and the HTTP server
 * metrics leave them out. Checking a request costs one header lookup.
 */
@Configuration(proxyBeanMethods = false)
public class RehearsalRequests {

  static final String HEADER = "X-Flashgroup-Rehearsal";

  private final String secret = UUID.randomUUID().toString();

  /** The header value that marks a rehearsal request of this process. */
  String secret() {
    return secret;
  }

  /** Whether the request is one of this process's rehearsal requests. */
  public boolean marks(ServerHttpRequest request) {
    return secret.equals(request.getHeaders().getFirst(HEADER));
  }

  /** Rehearsal requests are not observed: no http.server.requests timer, no trace. */
  @Bean
  ObservationPredicate rehearsalRequestsUnobserved() {
    return (name, context) -> !(context instanceof ServerRequestObservationContext server && marks(server.getCarrier()));
  }
}
