package dev.flashgroup.engine.activity;

import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.kernel.Text;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a merchant submits to schedule an activity; {@link #violations(Instant)} lists every bad field.
 * A TIERED activity gives {@code tiers} instead of {@code groupSize} and {@code groupPrice}: its
 * groups take members up to the largest tier and buyers pay the smallest tier's price up front.
 */
public record ActivityDraft(
    String title,
    Mode mode,
    Integer groupSize,
    Long groupPrice,
    Long soloPrice,
    Integer stock,
    Integer perUserLimit,
    Instant startsAt,
    Instant endsAt,
    Duration groupTtl,
    Duration payWindow,
    List<Tier> tiers,
    Integer virtualSuccessMissing,
    Pickup pickup,
    Integer leaderCommissionBps,
    String talkingPoints,
    Integer safetyStock,
    Integer shards) {

  public static final int MIN_GROUP_SIZE = 2;
  public static final int MAX_GROUP_SIZE = 50;
  public static final int MAX_TIERS = 10;
  /** FLASH activities are short and each buyer may take only a few units. */
  public static final int FLASH_MAX_PER_USER_LIMIT = 5;
  public static final Duration FLASH_MAX_WINDOW = Duration.ofHours(24);
  /**
   * Bounds of what reaches Lua and MySQL. Lua numbers are doubles (exact below 2^53) and the stock
   * and price columns are INT / BIGINT: a million yuan per unit, ten million units per request and
   * a hundred million units an activity stay exact everywhere.
   */
  public static final long MAX_AMOUNT = 100_000_000L;
  public static final int MAX_STOCK = 10_000_000;
  public static final int MAX_STOCK_TOTAL = 100_000_000;
  public static final int MAX_PER_USER_LIMIT = 10_000;
  public static final int MAX_TITLE_LENGTH = 200;
  /** Largest pickup point id a reservation or an allocation move may name: exact as a Lua number. */
  public static final long MAX_POINT_ID = (1L << 53) - 1;
  /** Longest group lifetime and payment window, and how far ahead an activity may be scheduled. */
  public static final Duration MAX_TIMER = Duration.ofDays(7);
  public static final Duration MAX_AHEAD = Duration.ofDays(366);
  /** Highest leader commission rate, in basis points (30 %). */
  public static final int MAX_COMMISSION_BPS = 3000;
  /** Longest talking points (素材库 text for leaders), in characters (code points). */
  public static final int MAX_TALKING_POINTS_LENGTH = 2000;

  /** Most Redis buckets (shards) an activity's stock may be split into. */
  public static final int MAX_SHARDS = 16;

  public ActivityDraft {
    // Not List.copyOf: a tier sent as null is a violation to report, not a reason to fail.
    tiers = tiers == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(tiers));
  }

  /** A draft without a safety stock, in one bucket (not sharded). */
  public ActivityDraft(String title, Mode mode, Integer groupSize, Long groupPrice, Long soloPrice, Integer stock,
      Integer perUserLimit, Instant startsAt, Instant endsAt, Duration groupTtl, Duration payWindow, List<Tier> tiers,
      Integer virtualSuccessMissing, Pickup pickup, Integer leaderCommissionBps, String talkingPoints) {
    this(title, mode, groupSize, groupPrice, soloPrice, stock, perUserLimit, startsAt, endsAt, groupTtl, payWindow,
        tiers, virtualSuccessMissing, pickup, leaderCommissionBps, talkingPoints, null, null);
  }

  /** The bucket count: the one given, else 1. */
  int shardCount() {
    return shards == null ? 1 : shards;
  }

  /** A draft without talking points. */
  public ActivityDraft(String title, Mode mode, Integer groupSize, Long groupPrice, Long soloPrice, Integer stock,
      Integer perUserLimit, Instant startsAt, Instant endsAt, Duration groupTtl, Duration payWindow, List<Tier> tiers,
      Integer virtualSuccessMissing, Pickup pickup, Integer leaderCommissionBps) {
    this(title, mode, groupSize, groupPrice, soloPrice, stock, perUserLimit, startsAt, endsAt, groupTtl, payWindow,
        tiers, virtualSuccessMissing, pickup, leaderCommissionBps, null);
  }

  /** A draft with the default leader commission rate. */
  public ActivityDraft(String title, Mode mode, Integer groupSize, Long groupPrice, Long soloPrice, Integer stock,
      Integer perUserLimit, Instant startsAt, Instant endsAt, Duration groupTtl, Duration payWindow, List<Tier> tiers,
      Integer virtualSuccessMissing, Pickup pickup) {
    this(title, mode, groupSize, groupPrice, soloPrice, stock, perUserLimit, startsAt, endsAt, groupTtl, payWindow,
        tiers, virtualSuccessMissing, pickup, null);
  }

  /** A draft without pickup points. */
  public ActivityDraft(String title, Mode mode, Integer groupSize, Long groupPrice, Long soloPrice, Integer stock,
      Integer perUserLimit, Instant startsAt, Instant endsAt, Duration groupTtl, Duration payWindow, List<Tier> tiers,
      Integer virtualSuccessMissing) {
    this(title, mode, groupSize, groupPrice, soloPrice, stock, perUserLimit, startsAt, endsAt, groupTtl, payWindow,
        tiers, virtualSuccessMissing, null, null);
  }

  /** A STANDARD or FLASH draft without tiers or virtual success. */
  public ActivityDraft(String title, Mode mode, Integer groupSize, Long groupPrice, Long soloPrice, Integer stock,
      Integer perUserLimit, Instant startsAt, Instant endsAt, Duration groupTtl, Duration payWindow) {
    this(title, mode, groupSize, groupPrice, soloPrice, stock, perUserLimit, startsAt, endsAt, groupTtl, payWindow,
        List.of(), null);
  }

  /** A field and what is wrong with it. */
  public record Violation(String field, String message) {}

  /** Every bad field, judged at {@code now}: an activity must not lie wholly in the past or too far ahead. */
  public List<Violation> violations(Instant now) {
    List<Violation> found = new ArrayList<>();
    checkTitle(found);
    checkTalkingPoints(found);
    if (shards != null && (shards < 1 || shards > MAX_SHARDS)) {
      found.add(new Violation("shards", "must be between 1 and " + MAX_SHARDS));
    } else if (stock != null && stock > 0 && shardCount() > stock) {
      found.add(new Violation("shards", "must be at most the stock (each bucket starts with a unit)"));
    }
    if (mode == null) {
      found.add(new Violation("mode", "must be one of " + List.of(Mode.values())));
    }
    if (mode == Mode.TIERED) {
      checkTiers(found);
    } else {
      checkGroup(found);
    }
    checkAmount(found, "soloPrice", soloPrice);
    if (stock == null || stock < 1 || stock > MAX_STOCK) {
      found.add(new Violation("stock", "must be between 1 and " + MAX_STOCK));
    } else {
      checkSafetyStock(found, "safetyStock", safetyStock, stock);
    }
    if (perUserLimit == null || perUserLimit < 1 || perUserLimit > MAX_PER_USER_LIMIT) {
      found.add(new Violation("perUserLimit", "must be between 1 and " + MAX_PER_USER_LIMIT));
    }
    checkWindow(found, now);
    checkTimer(found, "groupTtl", groupTtl);
    checkTimer(found, "payWindow", payWindow);
    checkVirtualSuccess(found);
    if (mode == Mode.FLASH) {
      checkFlash(found);
    }
    if (pickup != null) {
      pickup.check(found, stock);
    }
    if (leaderCommissionBps != null && (leaderCommissionBps < 0 || leaderCommissionBps > MAX_COMMISSION_BPS)) {
      found.add(new Violation("leaderCommissionBps", "must be between 0 and " + MAX_COMMISSION_BPS + " basis points"));
    }
    return found;
  }

  private void checkGroup(List<Violation> found) {
    if (!tiers.isEmpty()) {
      found.add(new Violation("tiers", "are only allowed for mode TIERED"));
    }
    if (groupSize == null || groupSize < MIN_GROUP_SIZE || groupSize > MAX_GROUP_SIZE) {
      found.add(new Violation("groupSize", "must be between " + MIN_GROUP_SIZE + " and " + MAX_GROUP_SIZE));
    }
    if (!checkAmount(found, "groupPrice", groupPrice)) {
      return;
    }
    if (soloPrice != null && groupPrice > soloPrice) {
      found.add(new Violation("groupPrice", "must not exceed soloPrice"));
    }
  }

  private void checkTiers(List<Violation> found) {
    if (groupSize != null) {
      found.add(new Violation("groupSize", "must be left out for mode TIERED (the largest tier's size)"));
    }
    if (groupPrice != null) {
      found.add(new Violation("groupPrice", "must be left out for mode TIERED (the smallest tier's price)"));
    }
    if (tiers.isEmpty() || tiers.size() > MAX_TIERS) {
      found.add(new Violation("tiers", "must list 1 to " + MAX_TIERS + " tiers of {size, price} for mode TIERED"));
      return;
    }
    for (int i = 0; i < tiers.size(); i++) {
      checkTier(found, i);
    }
    if (found.stream().noneMatch(v -> v.field().startsWith("tiers"))) {
      checkTierOrder(found);
    }
  }

  private void checkTier(List<Violation> found, int i) {
    Tier tier = tiers.get(i);
    if (tier == null || tier.size() == null || tier.size() < MIN_GROUP_SIZE || tier.size() > MAX_GROUP_SIZE) {
      found.add(new Violation("tiers[" + i + "].size", "must be between " + MIN_GROUP_SIZE + " and " + MAX_GROUP_SIZE));
    }
    checkAmount(found, "tiers[" + i + "].price", tier == null ? null : tier.price());
  }

  private void checkTierOrder(List<Violation> found) {
    for (int i = 1; i < tiers.size(); i++) {
      if (tiers.get(i).size() <= tiers.get(i - 1).size()) {
        found.add(new Violation("tiers[" + i + "].size", "must be larger than the size of the tier before"));
      }
      if (tiers.get(i).price() >= tiers.get(i - 1).price()) {
        found.add(new Violation("tiers[" + i + "].price", "must be lower than the price of the tier before"));
      }
    }
    if (soloPrice != null && tiers.get(0).price() > soloPrice) {
      found.add(new Violation("tiers[0].price", "must not exceed soloPrice"));
    }
  }

  private void checkTitle(List<Violation> found) {
    if (title == null || title.isBlank()) {
      found.add(new Violation("title", "must not be blank"));
    } else if (title.codePointCount(0, title.length()) > MAX_TITLE_LENGTH) {
      found.add(new Violation("title", "must be at most " + MAX_TITLE_LENGTH + " characters"));
    } else if (!Text.isPrintable(title)) {
      found.add(new Violation("title", "must be valid Unicode text without control characters"));
    }
  }

  /** Optional; blank is none. Printable like the title: no control characters, so no line breaks either. */
  private void checkTalkingPoints(List<Violation> found) {
    if (talkingPoints == null) {
      return;
    }
    if (talkingPoints.codePointCount(0, talkingPoints.length()) > MAX_TALKING_POINTS_LENGTH) {
      found.add(new Violation("talkingPoints", "must be at most " + MAX_TALKING_POINTS_LENGTH + " characters"));
    } else if (!Text.isPrintable(talkingPoints)) {
      found.add(new Violation("talkingPoints", "must be valid Unicode text without control characters"));
    }
  }

  /** The talking points to store: {@code current} when left out (as the commission rate), none when blank. */
  String talkingPointsOr(String current) {
    if (talkingPoints == null) {
      return current;
    }
    return talkingPoints.isBlank() ? null : talkingPoints.strip();
  }

  /**
   * A safety stock (optional) is below the stock it guards: 0 alerts when the level sells out, a
   * value of the stock or more would alert at the first reservation.
   */
  static void checkSafetyStock(List<Violation> found, String field, Integer safetyStock, int stock) {
    if (safetyStock != null && (safetyStock < 0 || safetyStock >= stock)) {
      found.add(new Violation(field, "must be between 0 and " + (stock - 1) + " (below the stock it guards)"));
    }
  }

  /** True when the amount is there and in bounds. */
  private static boolean checkAmount(List<Violation> found, String field, Long amount) {
    if (amount == null || amount < 1 || amount > MAX_AMOUNT) {
      found.add(new Violation(field, "must be an amount in fen between 1 and " + MAX_AMOUNT));
      return false;
    }
    return true;
  }

  private void checkWindow(List<Violation> found, Instant now) {
    if (startsAt == null) {
      found.add(new Violation("startsAt", "must be an ISO-8601 instant"));
    } else if (startsAt.isAfter(now.plus(MAX_AHEAD))) {
      found.add(new Violation("startsAt", "must be at most " + MAX_AHEAD.toDays() + " days ahead"));
    }
    if (endsAt == null) {
      found.add(new Violation("endsAt", "must be an ISO-8601 instant"));
    } else if (!endsAt.isAfter(now)) {
      found.add(new Violation("endsAt", "must be in the future"));
    } else if (startsAt != null && !endsAt.isAfter(startsAt)) {
      found.add(new Violation("endsAt", "must be after startsAt"));
    } else if (startsAt != null && endsAt.isAfter(startsAt.plus(MAX_AHEAD))) {
      found.add(new Violation("endsAt", "must be at most " + MAX_AHEAD.toDays() + " days after startsAt"));
    }
  }

  /** At least one real member must have paid: a group may miss at most its smallest size minus one. */
  private void checkVirtualSuccess(List<Violation> found) {
    if (virtualSuccessMissing == null || virtualSuccessMissing == 0) {
      return;
    }
    Integer smallest = mode == Mode.TIERED ? (tiers.isEmpty() || tiers.get(0) == null ? null : tiers.get(0).size())
        : groupSize;
    if (virtualSuccessMissing < 0 || (smallest != null && virtualSuccessMissing >= smallest)) {
      found.add(new Violation("virtualSuccessMissing", "must be between 0 and "
          + (smallest == null ? "the smallest group size minus 1" : Integer.toString(smallest - 1))));
    }
  }

  private void checkFlash(List<Violation> found) {
    if (perUserLimit != null && perUserLimit > FLASH_MAX_PER_USER_LIMIT) {
      found.add(new Violation("perUserLimit", "must be at most " + FLASH_MAX_PER_USER_LIMIT + " for mode FLASH"));
    }
    if (startsAt != null && endsAt != null && Duration.between(startsAt, endsAt).compareTo(FLASH_MAX_WINDOW) > 0) {
      found.add(new Violation("endsAt", "must be at most " + FLASH_MAX_WINDOW + " after startsAt for mode FLASH"));
    }
  }

  /** A timer the scripts add to the clock: positive, whole milliseconds, at most {@link #MAX_TIMER}. */
  private static void checkTimer(List<Violation> found, String field, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      found.add(new Violation(field, "must be a positive ISO-8601 duration"));
    } else if (value.compareTo(MAX_TIMER) > 0) {
      found.add(new Violation(field, "must be at most " + MAX_TIMER));
    } else if (value.getNano() % 1_000_000 != 0) {
      found.add(new Violation(field, "must be whole milliseconds"));
    }
  }

  /** Capacity of a group: the largest tier for TIERED. */
  int effectiveGroupSize() {
    return mode == Mode.TIERED ? tiers.get(tiers.size() - 1).size() : groupSize;
  }

  /** What a group member pays when reserving: the smallest tier's price for TIERED. */
  long effectiveGroupPrice() {
    return mode == Mode.TIERED ? tiers.get(0).price() : groupPrice;
  }

  int virtualMissing() {
    return virtualSuccessMissing == null ? 0 : virtualSuccessMissing;
  }

  /** The leader commission rate: the one given, else {@code defaultBps}. */
  int commissionBps(int defaultBps) {
    return leaderCommissionBps == null ? defaultBps : leaderCommissionBps;
  }

  Activity toActivity(ActivityId id, String merchantId, int defaultBps, String currentTalkingPoints) {
    return new Activity(id, merchantId, title.strip(), mode, effectiveGroupSize(), effectiveGroupPrice(), soloPrice,
        stock, perUserLimit, startsAt, endsAt, groupTtl, payWindow, tiers, virtualMissing(), null, pickup,
        commissionBps(defaultBps), talkingPointsOr(currentTalkingPoints), safetyStock, shardCount());
  }
}
