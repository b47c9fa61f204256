package dev.flashgroup.api.commission;

import dev.flashgroup.api.web.InvalidField;
import dev.flashgroup.engine.commission.CommissionLedger;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** The query parameters of the dashboard and the ledger, checked before anything runs. */
final class LedgerQuery {

  private LedgerQuery() {}

  /** A day {@code 2026-12-01}, or null when left out. */
  static LocalDate day(String field, String value) {
    if (value == null) {
      return null;
    }
    try {
      LocalDate day = LocalDate.parse(value);
      if (day.getYear() < 2000 || day.getYear() > 9998) {
        throw new InvalidField(field, "must be a day between 2000-01-01 and 9998-12-31");
      }
      return day;
    } catch (DateTimeParseException e) {
      throw new InvalidField(field, "must be a day like 2026-12-01");
    }
  }

  /** The id below which the page starts; the first page when left out. */
  static long cursor(Long cursor) {
    if (cursor != null && cursor < 1) {
      throw new InvalidField("cursor", "must be a cursor from an earlier page");
    }
    return cursor == null ? Long.MAX_VALUE : cursor;
  }

  static int limit(int limit) {
    if (limit < 1 || limit > CommissionLedger.MAX_PAGE) {
      throw new InvalidField("limit", "must be between 1 and " + CommissionLedger.MAX_PAGE);
    }
    return limit;
  }
}
