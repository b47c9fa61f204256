package dev.flashgroup.api.web;

import java.util.regex.Pattern;

/** The {@code Idempotency-Key} header: a UUID fits; anything longer or stranger is refused. */
public final class IdempotencyKeys {

  public static final String HEADER = "Idempotency-Key";
  static final String PATTERN = "^[A-Za-z0-9_-]{1,64}$";
  private static final Pattern SAFE = Pattern.compile(PATTERN);

  private IdempotencyKeys() {}

  /** The key as sent, or null without one. */
  public static String checked(String key) {
    if (key != null && !SAFE.matcher(key).matches()) {
      throw new InvalidField(HEADER, "must be 1-64 characters of A-Z a-z 0-9 _ -");
    }
    return key;
  }
}
