package dev.flashgroup.api.web;

import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes every problem detail a handler answers with (a {@code ResponseEntity} body or an
 * exception handler's value) in the request's language ({@link ProblemLanguage}): a writer for
 * {@link ProblemDetail} ahead of the general JSON one, so no handler has to know about languages.
 * The 401, 403 and 429 written by filters go through {@code ProblemResponses}, which does the same.
 */
@Configuration(proxyBeanMethods = false)
class LocalizedProblems implements WebFluxConfigurer {

  private final ProblemLanguage language;
  private final JsonMapper json;

  LocalizedProblems(ProblemLanguage language, JsonMapper json) {
    this.language = language;
    this.json = json;
  }

  @Override
  public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
    configurer.customCodecs().register(new Writer());
  }

  private final class Writer implements HttpMessageWriter<ProblemDetail> {

    private static final List<MediaType> TYPES = List.of(MediaType.APPLICATION_PROBLEM_JSON, MediaType.APPLICATION_JSON);

    @Override
    public List<MediaType> getWritableMediaTypes() {
      return TYPES;
    }

    @Override
    public boolean canWrite(ResolvableType elementType, MediaType mediaType) {
      return ProblemDetail.class.isAssignableFrom(elementType.toClass())
          && (mediaType == null || TYPES.stream().anyMatch(type -> type.isCompatibleWith(mediaType)));
    }

    /** Outside a request (never on the server): as it is, in the language the code wrote. */
    @Override
    public Mono<Void> write(Publisher<? extends ProblemDetail> problems, ResolvableType elementType,
        MediaType mediaType, ReactiveHttpOutputMessage message, Map<String, Object> hints) {
      return Mono.from(problems).flatMap(problem -> written(problem, message));
    }

    @Override
    public Mono<Void> write(Publisher<? extends ProblemDetail> problems, ResolvableType actualType,
        ResolvableType elementType, MediaType mediaType, ServerHttpRequest request, ServerHttpResponse response,
        Map<String, Object> hints) {
      return Mono.from(problems)
          .flatMap(problem -> written(language.localize(problem, language.of(request)), response));
    }

    /** Always as {@code application/problem+json} (RFC 9457), also to a client that asked for application/json. */
    private Mono<Void> written(ProblemDetail problem, ReactiveHttpOutputMessage message) {
      message.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
      byte[] body = json.writeValueAsBytes(problem);
      return message.writeWith(Mono.just(message.bufferFactory().wrap(body)));
    }
  }
}
