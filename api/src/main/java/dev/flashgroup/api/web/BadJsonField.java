package dev.flashgroup.api.web;

import java.util.Optional;
import tools.jackson.databind.DatabindException;

/** The path of the field a request body got wrong, e.g. {@code tiers[0].price}, from Jackson's failure. */
final class BadJsonField {

  private BadJsonField() {}

  static Optional<String> of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof DatabindException bad && !bad.getPath().isEmpty()) {
        StringBuilder path = new StringBuilder();
        for (var step : bad.getPath()) {
          if (step.getPropertyName() != null) {
            path.append(path.isEmpty() ? "" : ".").append(step.getPropertyName());
          } else if (step.getIndex() >= 0) {
            path.append('[').append(step.getIndex()).append(']');
          }
        }
        return path.isEmpty() ? Optional.empty() : Optional.of(path.toString());
      }
    }
    return Optional.empty();
  }
}
