package dev.flashgroup.api.pickup;

import dev.flashgroup.api.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The pickup feature's refusals as problem details. */
@RestControllerAdvice
class PickupProblems {

  @ExceptionHandler(PointAccess.NotPointStaff.class)
  ProblemDetail notPointStaff(PointAccess.NotPointStaff e) {
    return Problems.detail(HttpStatus.FORBIDDEN, "NOT_POINT_STAFF", e.getMessage());
  }
}
