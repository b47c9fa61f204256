package dev.flashgroup.api.activity;

import dev.flashgroup.engine.activity.Activity;
import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.ActivityFilter;
import dev.flashgroup.engine.activity.InvalidActivity;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The listing's query parameters: a status, and a calendar day in a time zone (China's by
 * default) that the activities start on. Bad values are reported together, like a bad draft.
 */
record ListingQuery(String status, String date, String zone) {

  static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Shanghai");
  static final LocalDate FIRST_DAY = LocalDate.of(2000, 1, 1);
  static final LocalDate LAST_DAY = LocalDate.of(9998, 12, 31);

  ActivityFilter toFilter() {
    List<ActivityDraft.Violation> bad = new ArrayList<>();
    Activity.Status wanted = null;
    if (status != null && !status.isBlank()) {
      try {
        wanted = Activity.Status.valueOf(status.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        bad.add(new ActivityDraft.Violation("status", "must be one of " + List.of(Activity.Status.values())));
      }
    }
    ZoneId zoneId = DEFAULT_ZONE;
    if (zone != null && !zone.isBlank()) {
      try {
        zoneId = ZoneId.of(zone.strip());
      } catch (DateTimeException e) {
        bad.add(new ActivityDraft.Violation("zone", "must be a time zone id such as Asia/Shanghai"));
      }
    }
    LocalDate day = null;
    if (date != null && !date.isBlank()) {
      try {
        day = LocalDate.parse(date.strip());
      } catch (DateTimeException e) {
        bad.add(new ActivityDraft.Violation("date", "must be an ISO-8601 date such as 2026-11-24"));
      }
      // MySQL's DATETIME ends with the year 9999; a day past it could never match and fails the query.
      if (day != null && (day.isBefore(FIRST_DAY) || day.isAfter(LAST_DAY))) {
        bad.add(new ActivityDraft.Violation("date", "must be between " + FIRST_DAY + " and " + LAST_DAY));
        day = null;
      }
    }
    if (!bad.isEmpty()) {
      throw new InvalidActivity(bad);
    }
    return day == null ? new ActivityFilter(wanted, null, null)
        : new ActivityFilter(wanted, day.atStartOfDay(zoneId).toInstant(), day.plusDays(1).atStartOfDay(zoneId).toInstant());
  }
}
