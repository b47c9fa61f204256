package dev.flashgroup.engine.pickup;

import dev.flashgroup.engine.kernel.Text;
import dev.flashgroup.engine.pickup.InvalidPickupPoint.Violation;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A pickup point as an admin submits it; {@link #violations()} lists every bad field. Kind, times and
 * zone arrive as text so that a bad one is reported with the others.
 */
public record PointDraft(String name, String address, String kind, BigDecimal latitude, BigDecimal longitude,
    String phone, String opensAt, String closesAt, String zone) {

  public static final int MAX_NAME_LENGTH = 100;
  public static final int MAX_ADDRESS_LENGTH = 200;
  public static final int MAX_ZONE_LENGTH = 64;
  /**
   * Redis GEO indexes latitudes up to ±85.05112878° only (its Web-Mercator square); a point beyond
   * it could be recorded but never found, so the bound is Redis' rather than the globe's ±90°.
   */
  public static final BigDecimal MAX_LATITUDE = new BigDecimal("85.05112878");
  public static final BigDecimal MAX_LONGITUDE = new BigDecimal("180");
  /** The columns are DECIMAL(10,7): about a centimetre, finer than any map gives. */
  public static final int MAX_DECIMALS = 7;
  public static final Pattern PHONE = Pattern.compile("[0-9+() -]{3,32}");
  public static final Pattern TIME = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");

  public List<Violation> violations() {
    List<Violation> v = new ArrayList<>();
    text(v, "name", name, MAX_NAME_LENGTH);
    text(v, "address", address, MAX_ADDRESS_LENGTH);
    if (kindOrNull() == null) {
      v.add(new Violation("kind", "must be one of CONVENIENCE_STORE, PARCEL_STATION, LOCKER, PROPERTY_OFFICE, HOME"));
    }
    coordinate(v, "latitude", latitude, MAX_LATITUDE);
    coordinate(v, "longitude", longitude, MAX_LONGITUDE);
    if (phone == null || !PHONE.matcher(phone).matches()) {
      v.add(new Violation("phone", "must be 3-32 of the characters 0-9 + ( ) - and space"));
    }
    LocalTime opens = time(v, "opensAt", opensAt);
    LocalTime closes = time(v, "closesAt", closesAt);
    if (opens != null && closes != null && !opens.isBefore(closes)) {
      v.add(new Violation("closesAt", "must be after opensAt"));
    }
    if (zoneOrNull() == null) {
      v.add(new Violation("zone", "must be a time zone id such as Asia/Shanghai"));
    }
    return v;
  }

  /** Throws {@link InvalidPickupPoint} with every violation, if there is one. */
  PointDraft checked() {
    List<Violation> v = violations();
    if (!v.isEmpty()) {
      throw new InvalidPickupPoint(v);
    }
    return this;
  }

  PointKind kindOrNull() {
    try {
      return kind == null ? null : PointKind.valueOf(kind);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  ZoneId zoneOrNull() {
    if (zone == null || zone.isEmpty() || zone.length() > MAX_ZONE_LENGTH) {
      return null;
    }
    try {
      return ZoneId.of(zone);
    } catch (DateTimeException e) {
      return null;
    }
  }

  LocalTime opens() {
    return LocalTime.parse(opensAt);
  }

  LocalTime closes() {
    return LocalTime.parse(closesAt);
  }

  static void coordinate(List<Violation> v, String field, BigDecimal value, BigDecimal bound) {
    if (value == null) {
      v.add(new Violation(field, "is required"));
    } else if (value.abs().compareTo(bound) > 0) {
      v.add(new Violation(field, "must be between -" + bound.toPlainString() + " and " + bound.toPlainString()));
    } else if (value.stripTrailingZeros().scale() > MAX_DECIMALS) {
      v.add(new Violation(field, "must have at most " + MAX_DECIMALS + " decimal places"));
    }
  }

  private static void text(List<Violation> v, String field, String value, int max) {
    if (value == null || value.isBlank()) {
      v.add(new Violation(field, "is required"));
    } else if (value.strip().length() > max || !Text.isPrintable(value)) {
      v.add(new Violation(field, "must be 1-" + max + " characters of printable text"));
    }
  }

  private static LocalTime time(List<Violation> v, String field, String value) {
    if (value == null || !TIME.matcher(value).matches()) {
      v.add(new Violation(field, "must be a time of day as HH:mm, e.g. 08:00"));
      return null;
    }
    return LocalTime.parse(value);
  }
}
