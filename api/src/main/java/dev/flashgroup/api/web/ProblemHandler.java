package dev.flashgroup.api.web;

import dev.flashgroup.api.pickup.PointAccess;
import dev.flashgroup.engine.activity.InvalidActivity;
import dev.flashgroup.engine.claim.InvalidClaim;
import dev.flashgroup.engine.leader.InvalidLeaderRequest;
import dev.flashgroup.engine.payment.PaymentGatewayUnavailable;
import dev.flashgroup.engine.payment.PaymentRefused;
import dev.flashgroup.engine.pickup.InvalidPickupPoint;
import dev.flashgroup.engine.wechat.WechatUnavailable;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

/** Turns failures into problem details; expected outcomes are mapped by the handlers themselves. */
@RestControllerAdvice
class ProblemHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  @ExceptionHandler(InvalidActivity.class)
  ProblemDetail invalidActivity(InvalidActivity e) {
    ProblemDetail problem = Problems.detail(HttpStatus.BAD_REQUEST, "INVALID_REQUEST",
        e.violations().size() + " field(s) are invalid");
    List<Map<String, String>> errors = e.violations().stream()
        .map(v -> Map.of("field", v.field(), "message", v.message()))
        .toList();
    problem.setProperty("errors", errors);
    return problem;
  }

  @ExceptionHandler(InvalidPickupPoint.class)
  ProblemDetail invalidPickupPoint(InvalidPickupPoint e) {
    return invalidFields(e.violations().stream().map(v -> Map.of("field", v.field(), "message", v.message())).toList());
  }

  @ExceptionHandler(InvalidLeaderRequest.class)
  ProblemDetail invalidLeaderRequest(InvalidLeaderRequest e) {
    return invalidFields(e.violations().stream().map(v -> Map.of("field", v.field(), "message", v.message())).toList());
  }

  private static ProblemDetail invalidFields(List<Map<String, String>> errors) {
    ProblemDetail problem = Problems.detail(HttpStatus.BAD_REQUEST, "INVALID_REQUEST", errors.size() + " field(s) are invalid");
    problem.setProperty("errors", errors);
    return problem;
  }

  @ExceptionHandler(InvalidClaim.class)
  ProblemDetail invalidClaim(InvalidClaim e) {
    return invalidFields(e.violations().stream().map(v -> Map.of("field", v.field(), "message", v.message())).toList());
  }

  @ExceptionHandler(PointAccess.NotPointStaff.class)
  ProblemDetail notPointStaff(PointAccess.NotPointStaff e) {
    return Problems.detail(HttpStatus.FORBIDDEN, "NOT_POINT_STAFF", e.getMessage());
  }

  @ExceptionHandler(InvalidField.class)
  ProblemDetail invalidField(InvalidField e) {
    ProblemDetail problem = Problems.detail(HttpStatus.BAD_REQUEST, "INVALID_REQUEST", e.field() + " " + e.getMessage());
    problem.setProperty("errors", List.of(Map.of("field", e.field(), "message", e.getMessage())));
    return problem;
  }

  /** A body that is not JSON, or a field of the wrong JSON type: named in {@code errors} when known. */
  @ExceptionHandler(ServerWebInputException.class)
  ProblemDetail malformed(ServerWebInputException e) {
    ProblemDetail problem = Problems.detail(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", e.getReason());
    BadJsonField.of(e).ifPresent(field -> problem.setProperty("errors",
        List.of(Map.of("field", field, "message", "has the wrong JSON type (an integer field takes a whole number)"))));
    return problem;
  }

  /** Spring's own reason names the handler's body class; a client needs only what to send. */
  @ExceptionHandler(UnsupportedMediaTypeStatusException.class)
  ProblemDetail unsupportedMediaType(UnsupportedMediaTypeStatusException e) {
    return Problems.detail(HttpStatus.UNSUPPORTED_MEDIA_TYPE, HttpStatus.UNSUPPORTED_MEDIA_TYPE.name(),
        "Send the body as application/json");
  }

  @ExceptionHandler(ResponseStatusException.class)
  ProblemDetail status(ResponseStatusException e) {
    HttpStatus status = HttpStatus.valueOf(e.getStatusCode().value());
    if (status.is5xxServerError()) {
      log.error("Answered {}", status.value(), e);
    }
    return Problems.detail(status, status.name(), e.getReason() == null ? status.getReasonPhrase() : e.getReason());
  }

  @ExceptionHandler({RedisConnectionFailureException.class, RedisSystemException.class,
      DataAccessResourceFailureException.class, QueryTimeoutException.class, TransientDataAccessException.class})
  ProblemDetail unavailable(RuntimeException e) {
    log.warn("A backing service is unavailable: {}", e.toString());
    return Problems.detail(HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE",
        "A backing service is unavailable; retry shortly with the same Idempotency-Key");
  }

  @ExceptionHandler(PaymentRefused.class)
  ProblemDetail paymentRefused(PaymentRefused e) {
    return Problems.detail(HttpStatus.UNPROCESSABLE_CONTENT, e.code(), e.getMessage());
  }

  /** The payment provider answered with an error or could not be reached: our request may be retried as it is. */
  @ExceptionHandler(PaymentGatewayUnavailable.class)
  ProblemDetail paymentGatewayUnavailable(PaymentGatewayUnavailable e) {
    log.warn("Payment gateway call failed: {}", String.valueOf(e.getCause()));
    return Problems.detail(HttpStatus.BAD_GATEWAY, e.code(), e.getMessage());
  }

  /** WeChat (outside payments: mini-program login) answered with an error or could not be reached. */
  @ExceptionHandler(WechatUnavailable.class)
  ProblemDetail wechatUnavailable(WechatUnavailable e) {
    log.warn("WeChat call failed: {}", String.valueOf(e.getCause()));
    return Problems.detail(HttpStatus.BAD_GATEWAY, "WECHAT_UNAVAILABLE", "WeChat did not complete the request; retry shortly");
  }

  /**
   * Anything else is a fault of ours: logged at ERROR with its cause (a 500 without a logged cause
   * cannot be found again), answered 500 {@code INTERNAL_ERROR} without internals. Spring's own
   * errors that carry a status keep it.
   */
  @ExceptionHandler(Exception.class)
  ProblemDetail unexpected(Exception e) {
    if (e instanceof ErrorResponse known && !known.getStatusCode().is5xxServerError()) {
      HttpStatus status = HttpStatus.valueOf(known.getStatusCode().value());
      String why = known.getBody().getDetail();
      return Problems.detail(status, status.name(), why == null ? status.getReasonPhrase() : why);
    }
    log.error("Unexpected failure answered 500", e);
    return Problems.detail(HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "Something went wrong on our side");
  }
}
