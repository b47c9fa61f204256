package dev.flashgroup.api.security;

import dev.flashgroup.api.web.ProblemLanguage;
import dev.flashgroup.api.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** 401 and 403 as problem details, like every other error of the API. */
@Component
class ProblemResponses implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

  private final JsonMapper json;
  private final ProblemLanguage language;

  ProblemResponses(JsonMapper json, ProblemLanguage language) {
    this.json = json;
    this.language = language;
  }

  @Override
  public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException e) {
    exchange.getResponse().getHeaders().set("WWW-Authenticate", "Bearer");
    return write(exchange, Problems.detail(HttpStatus.UNAUTHORIZED, "UNAUTHORIZED",
        "A valid bearer token is required"));
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException e) {
    return write(exchange, Problems.detail(HttpStatus.FORBIDDEN, "FORBIDDEN",
        "Your role may not use this endpoint"));
  }

  /** The problem in the request's language ({@link ProblemLanguage}), as JSON. */
  Mono<Void> write(ServerWebExchange exchange, ProblemDetail problem) {
    language.localize(problem, language.of(exchange.getRequest()));
    problem.setInstance(java.net.URI.create(exchange.getRequest().getPath().value()));
    var response = exchange.getResponse();
    response.setStatusCode(HttpStatus.valueOf(problem.getStatus()));
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    byte[] body = json.writeValueAsBytes(problem);
    return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
  }
}
