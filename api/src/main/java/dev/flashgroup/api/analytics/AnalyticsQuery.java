package dev.flashgroup.api.analytics;

import dev.flashgroup.api.web.InvalidField;
import dev.flashgroup.engine.analytics.Period;
import dev.flashgroup.engine.analytics.RankingBy;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The analytics' query parameters, checked before anything runs (400 {@code INVALID_REQUEST}). */
final class AnalyticsQuery {

  private static final int MAX_TEXT = 40;

  private AnalyticsQuery() {}

  /** A day {@code 2026-12-01}, or the day (in {@code zone}) of an instant {@code 2026-12-01T12:00:00Z}; null when left out. */
  static LocalDate day(String field, String value, ZoneId zone) {
    if (value == null) {
      return null;
    }
    if (value.length() > MAX_TEXT) {
      throw new InvalidField(field, "must be a day like 2026-12-01 or an instant like 2026-12-01T12:00:00Z");
    }
    LocalDate day;
    try {
      day = value.contains("T") ? OffsetDateTime.parse(value).atZoneSameInstant(zone).toLocalDate()
          : LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new InvalidField(field, "must be a day like 2026-12-01 or an instant like 2026-12-01T12:00:00Z");
    }
    if (day.getYear() < 2000 || day.getYear() > 9998) {
      throw new InvalidField(field, "must be a day between 2000-01-01 and 9998-12-31");
    }
    return day;
  }

  /** Both days included; the last seven days when both are left out, seven days from or to the one given. */
  static Period period(String from, String to, ZoneId zone, Clock clock) {
    LocalDate first = day("from", from, zone);
    LocalDate last = day("to", to, zone);
    int before = Period.DEFAULT_DAYS - 1;
    if (last == null) {
      last = first != null ? first.plusDays(before) : LocalDate.now(clock.withZone(zone));
    }
    if (first == null) {
      first = last.minusDays(before);
    }
    if (first.isAfter(last) || ChronoUnit.DAYS.between(first, last) >= Period.MAX_DAYS) {
      throw new InvalidField("from", "must be on or before to, at most " + Period.MAX_DAYS + " days before it");
    }
    return new Period(first, last);
  }

  static int limit(String value, int byDefault, int max) {
    if (value == null) {
      return byDefault;
    }
    try {
      int limit = value.length() > MAX_TEXT ? -1 : Integer.parseInt(value);
      if (limit >= 1 && limit <= max) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new InvalidField("limit", "must be a whole number from 1 to " + max);
  }

  static long activityId(String value) {
    try {
      long id = value.length() > MAX_TEXT ? -1 : Long.parseLong(value);
      if (id >= 1) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new InvalidField("activityId", "must be an activity id (a positive whole number)");
  }

  static RankingBy by(String value) {
    if (value == null) {
      return RankingBy.ACTIVITY;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "activity" -> RankingBy.ACTIVITY;
      case "merchant" -> RankingBy.MERCHANT;
      case "point" -> RankingBy.POINT;
      default -> throw new InvalidField("by", "must be activity, merchant or point");
    };
  }

  /** Whether the ranking orders by GMV first (else by units first). */
  static boolean byGmv(String value) {
    if (value == null || "units".equals(value)) {
      return false;
    }
    if ("gmv".equals(value)) {
      return true;
    }
    throw new InvalidField("order", "must be units or gmv");
  }
}
