package dev.flashgroup.api.web;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** RFC 9457 problem details with a stable machine-readable {@code code}. */
public final class Problems {

  /** Type URI per code: codes are a small fixed set, and parsing a URI per refusal showed in profiles. */
  private static final Map<String, URI> TYPES = new ConcurrentHashMap<>();

  private Problems() {}

  public static ProblemDetail detail(HttpStatus status, String code, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(TYPES.computeIfAbsent(code,
        c -> URI.create("https://flashgroup.dev/problems/" + c.toLowerCase(Locale.ROOT).replace('_', '-'))));
    problem.setProperty("code", code);
    return problem;
  }

  public static <T> ResponseEntity<T> response(HttpStatus status, String code, String detail) {
    @SuppressWarnings("unchecked")
    T body = (T) detail(status, code, detail);
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
  }

  /** A refusal that names one more fact for the client (what is left, when a window closed). */
  public static <T> ResponseEntity<T> response(HttpStatus status, String code, String detail, String property,
      Object value) {
    ProblemDetail problem = detail(status, code, detail);
    problem.setProperty(property, value);
    @SuppressWarnings("unchecked")
    T body = (T) problem;
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
  }

  /** 429 with {@code Retry-After} in whole seconds, at least one. */
  public static <T> ResponseEntity<T> tooManyRequests(Duration retryAfter, String why) {
    return tooManyRequests("TOO_MANY_REQUESTS", retryAfter, why);
  }

  /** 429 with its own code and {@code Retry-After} in whole seconds, at least one. */
  public static <T> ResponseEntity<T> tooManyRequests(String code, Duration retryAfter, String why) {
    long seconds = retryAfterSeconds(retryAfter);
    @SuppressWarnings("unchecked")
    T body = (T) detail(HttpStatus.TOO_MANY_REQUESTS, code, why + "; retry after " + seconds + " s");
    return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
        .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
  }

  /** 503 {@code UNAVAILABLE} with {@code Retry-After} in whole seconds, at least one. */
  public static <T> ResponseEntity<T> unavailable(Duration retryAfter, String why) {
    long seconds = retryAfterSeconds(retryAfter);
    @SuppressWarnings("unchecked")
    T body = (T) detail(HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", why);
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
        .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
  }

  /** {@code Retry-After} in whole seconds, rounded up, at least one. */
  public static long retryAfterSeconds(Duration wait) {
    return Math.max(1, (wait.toMillis() + 999) / 1000);
  }

  public static ProblemDetail tooManyRequestsDetail(long seconds, String why) {
    return detail(HttpStatus.TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS", why + "; retry after " + seconds + " s");
  }

  public static <T> ResponseEntity<T> notFound(String what, String id) {
    return response(HttpStatus.NOT_FOUND, "NOT_FOUND", "No " + what + " with id " + id);
  }

  public static <T> ResponseEntity<T> forbidden(String detail) {
    return response(HttpStatus.FORBIDDEN, "FORBIDDEN", detail);
  }
}
