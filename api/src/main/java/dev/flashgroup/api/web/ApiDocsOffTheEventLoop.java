package dev.flashgroup.api.web;

import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * springdoc builds the OpenAPI document on its first request (and pre-loads it on a thread of its
 * own, which a request can overtake), scanning the class path: file reads. Requests for the document
 * therefore run on {@code boundedElastic}, never on an event loop. They are rare; nothing else
 * changes threads.
 */
@Component
class ApiDocsOffTheEventLoop implements WebFilter {

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (!exchange.getRequest().getPath().value().startsWith("/v3/api-docs")) {
      return chain.filter(exchange);
    }
    return chain.filter(exchange).subscribeOn(Schedulers.boundedElastic());
  }
}
