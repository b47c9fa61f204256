package dev.flashgroup.engine.fulfilment;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many bad pickup codes (unknown, or another point's) one subject may try: {@code badCodes} in
 * a window of {@code badCodeWindow} that starts with the first bad code; past that, every
 * verification by the subject is refused (429 TOO_MANY_ATTEMPTS) until the window ends. The
 * counter lives in Redis, so the limit holds across instances.
 */
@ConfigurationProperties("flashgroup.pickup.verification")
public record VerificationSettings(
    @DefaultValue("10") int badCodes,
    @DefaultValue("PT15M") Duration badCodeWindow) {

  public VerificationSettings {
    if (badCodes < 1 || badCodes > 1_000_000) {
      throw new IllegalArgumentException("flashgroup.pickup.verification.bad-codes must be 1..1000000");
    }
    if (badCodeWindow.toMillis() < 1_000 || badCodeWindow.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("flashgroup.pickup.verification.bad-code-window must be 1 s..1 day");
    }
  }
}
