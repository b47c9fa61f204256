package dev.flashgroup.engine.leader;

import dev.flashgroup.engine.kernel.Text;
import dev.flashgroup.engine.leader.InvalidLeaderRequest.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A buyer's application to lead, as submitted; {@link #violations()} lists every bad field. A POINT
 * application names the point ({@code pointId}) and no community; a COMMUNITY one the community's
 * name and no point.
 */
public record ApplicationDraft(String name, String phone, String kind, Long pointId, String communityName,
    String note) {

  public static final int MAX_NAME_LENGTH = 50;
  public static final int MAX_COMMUNITY_LENGTH = 100;
  public static final int MAX_NOTE_LENGTH = 500;
  /** Point ids are MySQL BIGINTs handed out from 1; anything beyond 2^53 could not be a Lua number either. */
  public static final long MAX_POINT_ID = 1L << 53;
  public static final Pattern PHONE = Pattern.compile("[0-9+() -]{3,32}");

  public List<Violation> violations() {
    List<Violation> v = new ArrayList<>();
    text(v, "name", name, MAX_NAME_LENGTH, true);
    if (phone == null || !PHONE.matcher(phone).matches()) {
      v.add(new Violation("phone", "must be 3-32 of the characters 0-9 + ( ) - and space"));
    }
    LeaderKind kind = kindOrNull();
    if (kind == null) {
      v.add(new Violation("kind", "must be POINT or COMMUNITY"));
    } else if (kind == LeaderKind.POINT) {
      if (pointId == null || pointId < 1 || pointId > MAX_POINT_ID) {
        v.add(new Violation("pointId", "is required for a POINT leader: the id of an active pickup point"));
      }
      if (communityName != null) {
        v.add(new Violation("communityName", "is only for a COMMUNITY leader"));
      }
    } else {
      if (pointId != null) {
        v.add(new Violation("pointId", "is only for a POINT leader"));
      }
      text(v, "communityName", communityName, MAX_COMMUNITY_LENGTH, true);
    }
    text(v, "note", note, MAX_NOTE_LENGTH, false);
    return v;
  }

  ApplicationDraft checked() {
    List<Violation> v = violations();
    if (!v.isEmpty()) {
      throw new InvalidLeaderRequest(v);
    }
    return this;
  }

  LeaderKind kindOrNull() {
    try {
      return kind == null ? null : LeaderKind.valueOf(kind);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static void text(List<Violation> v, String field, String value, int max, boolean required) {
    if (value == null || value.isBlank()) {
      if (required || value != null) {
        v.add(new Violation(field, required ? "is required" : "must not be blank (leave it out instead)"));
      }
    } else if (value.strip().length() > max || !Text.isPrintable(value)) {
      v.add(new Violation(field, "must be 1-" + max + " characters of printable text"));
    }
  }

  static String stripped(String value) {
    return value == null ? null : value.strip();
  }
}
