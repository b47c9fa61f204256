package dev.flashgroup.engine.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a merchant may schedule in each mode; every bad field is reported. */
class ActivityDraftTest {

  private static final Instant STARTS = Instant.parse("2026-11-24T12:00:00Z");

  private static ActivityDraft draft(Mode mode, Integer groupSize, Long groupPrice, int perUserLimit, Duration window,
      List<Tier> tiers, Integer virtualMissing) {
    return new ActivityDraft("Lychees", mode, groupSize, groupPrice, 4000L, 100, perUserLimit, STARTS,
        STARTS.plus(window), Duration.ofMinutes(30), Duration.ofMinutes(5), tiers, virtualMissing);
  }

  private static ActivityDraft tiered(Tier... tiers) {
    return draft(Mode.TIERED, null, null, 1, Duration.ofHours(2), List.of(tiers), null);
  }

  private static List<String> fields(ActivityDraft draft) {
    return draft.violations(STARTS).stream().map(ActivityDraft.Violation::field).toList();
  }

  @Test
  void acceptsTiersWithRisingSizesAndFallingPrices() {
    ActivityDraft draft = tiered(new Tier(2, 3500L), new Tier(5, 2990L), new Tier(10, 2500L));

    assertThat(draft.violations(STARTS)).isEmpty();
    assertThat(draft.effectiveGroupSize()).isEqualTo(10);
    assertThat(draft.effectiveGroupPrice()).isEqualTo(3500);
  }

  @Test
  void acceptsSingleTier() {
    assertThat(tiered(new Tier(3, 2500L)).violations(STARTS)).isEmpty();
  }

  @Test
  void refusesTieredActivityWithoutTiers() {
    assertThat(fields(tiered())).containsExactly("tiers");
  }

  @Test
  void refusesSizesThatDoNotRise() {
    assertThat(fields(tiered(new Tier(5, 3000L), new Tier(5, 2500L)))).containsExactly("tiers[1].size");
  }

  @Test
  void refusesPricesThatDoNotFall() {
    assertThat(fields(tiered(new Tier(2, 3000L), new Tier(3, 3000L)))).containsExactly("tiers[1].price");
  }

  @Test
  void refusesTierOutOfBoundsOrWithoutPrice() {
    assertThat(fields(tiered(new Tier(1, 3000L), new Tier(60, null))))
        .containsExactly("tiers[0].size", "tiers[1].size", "tiers[1].price");
  }

  @Test
  void reportsTierLeftEmptyInsteadOfFailing() {
    ActivityDraft draft = draft(Mode.TIERED, null, null, 1, Duration.ofHours(2),
        Arrays.asList(null, new Tier(3, 2500L)), 1);

    assertThat(fields(draft)).containsExactly("tiers[0].size", "tiers[0].price");
  }

  @Test
  void refusesTierPricedAboveSoloPrice() {
    assertThat(fields(tiered(new Tier(2, 4500L), new Tier(3, 2500L)))).containsExactly("tiers[0].price");
  }

  @Test
  void refusesGroupSizeAndPriceNextToTiers() {
    ActivityDraft draft = draft(Mode.TIERED, 3, 2500L, 1, Duration.ofHours(2), List.of(new Tier(2, 3000L)), null);

    assertThat(fields(draft)).containsExactly("groupSize", "groupPrice");
  }

  @Test
  void refusesTiersForOtherModes() {
    ActivityDraft draft = draft(Mode.STANDARD, 3, 2500L, 1, Duration.ofHours(2), List.of(new Tier(2, 3000L)), null);

    assertThat(fields(draft)).containsExactly("tiers");
  }

  @Test
  void acceptsVirtualSuccessBelowGroupSize() {
    assertThat(draft(Mode.STANDARD, 3, 2500L, 1, Duration.ofHours(2), null, 2).violations(STARTS)).isEmpty();
  }

  @Test
  void refusesVirtualSuccessThatNeedsNoPaidMember() {
    assertThat(fields(draft(Mode.STANDARD, 3, 2500L, 1, Duration.ofHours(2), null, 3)))
        .containsExactly("virtualSuccessMissing");
    assertThat(fields(draft(Mode.STANDARD, 3, 2500L, 1, Duration.ofHours(2), null, -1)))
        .containsExactly("virtualSuccessMissing");
  }

  @Test
  void measuresVirtualSuccessOfTieredGroupAgainstSmallestTier() {
    ActivityDraft draft = draft(Mode.TIERED, null, null, 1, Duration.ofHours(2),
        List.of(new Tier(2, 3000L), new Tier(5, 2500L)), 2);

    assertThat(fields(draft)).containsExactly("virtualSuccessMissing");
  }

  @Test
  void flashActivityIsShortWithTightPerUserLimit() {
    assertThat(draft(Mode.FLASH, 3, 2500L, 5, Duration.ofHours(24), null, null).violations(STARTS)).isEmpty();
    assertThat(fields(draft(Mode.FLASH, 3, 2500L, 6, Duration.ofHours(25), null, null)))
        .containsExactly("perUserLimit", "endsAt");
  }

  @Test
  void oldConstructorMakesPlainDraftWithoutTiersOrVirtualSuccess() {
    ActivityDraft draft = new ActivityDraft("Tea", Mode.STANDARD, 2, 100L, 200L, 5, 1, STARTS,
        STARTS.plusSeconds(60), Duration.ofMinutes(1), Duration.ofMinutes(1));

    assertThat(draft.violations(STARTS)).isEmpty();
    assertThat(draft.tiers()).isEmpty();
    assertThat(draft.virtualMissing()).isZero();
  }

  private static ActivityDraft plain(Long groupPrice, Long soloPrice, Integer stock, Integer limit, Instant starts,
      Instant ends, Duration groupTtl, Duration payWindow, String title) {
    return new ActivityDraft(title, Mode.STANDARD, 2, groupPrice, soloPrice, stock, limit, starts, ends, groupTtl,
        payWindow);
  }

  private static List<String> plainFields(Long groupPrice, Long soloPrice, Integer stock, Integer limit) {
    return fields(plain(groupPrice, soloPrice, stock, limit, STARTS, STARTS.plusSeconds(3600), Duration.ofMinutes(30),
        Duration.ofMinutes(5), "Tea"));
  }

  @Test
  void refusesPricesBeyondAMillionYuan() {
    long max = ActivityDraft.MAX_AMOUNT;
    assertThat(plainFields(max, max, 1, 1)).isEmpty();
    assertThat(plainFields(max, max + 1, 1, 1)).containsExactly("soloPrice");
    assertThat(plainFields(Long.MAX_VALUE, Long.MAX_VALUE, 1, 1)).containsExactly("groupPrice", "soloPrice");
    assertThat(fields(tiered(new Tier(2, Long.MAX_VALUE)))).contains("tiers[0].price");
  }

  @Test
  void refusesStockAndLimitsOutOfBounds() {
    assertThat(plainFields(100L, 200L, ActivityDraft.MAX_STOCK + 1, 1)).containsExactly("stock");
    assertThat(plainFields(100L, 200L, 1, ActivityDraft.MAX_PER_USER_LIMIT + 1)).containsExactly("perUserLimit");
  }

  @Test
  void refusesTimersLongerThanAWeekOrFinerThanAMillisecond() {
    assertThat(fields(plain(100L, 200L, 1, 1, STARTS, STARTS.plusSeconds(3600), Duration.parse("PT27777777H"),
        Duration.ofMinutes(5), "Tea"))).containsExactly("groupTtl");
    assertThat(fields(plain(100L, 200L, 1, 1, STARTS, STARTS.plusSeconds(3600), Duration.ofMinutes(30),
        Duration.ofDays(8), "Tea"))).containsExactly("payWindow");
    assertThat(fields(plain(100L, 200L, 1, 1, STARTS, STARTS.plusSeconds(3600), Duration.ofNanos(1),
        Duration.ofMinutes(5), "Tea"))).containsExactly("groupTtl");
  }

  @Test
  void refusesWindowsWhollyInThePastOrTooFarAhead() {
    assertThat(fields(plain(100L, 200L, 1, 1, STARTS.minusSeconds(7200), STARTS.minusSeconds(3600),
        Duration.ofMinutes(30), Duration.ofMinutes(5), "Tea"))).containsExactly("endsAt");
    Instant farAway = Instant.parse("+10000-01-01T00:00:00Z");
    assertThat(fields(plain(100L, 200L, 1, 1, farAway, farAway.plusSeconds(3600), Duration.ofMinutes(30),
        Duration.ofMinutes(5), "Tea"))).containsExactly("startsAt");
    assertThat(fields(plain(100L, 200L, 1, 1, STARTS, STARTS.plus(Duration.ofDays(400)), Duration.ofMinutes(30),
        Duration.ofMinutes(5), "Tea"))).containsExactly("endsAt");
  }

  @Test
  void refusesTitlesThatAreNotPrintableText() {
    assertThat(fields(plain(100L, 200L, 1, 1, STARTS, STARTS.plusSeconds(3600), Duration.ofMinutes(30),
        Duration.ofMinutes(5), "Tea\u0000"))).containsExactly("title");
    assertThat(fields(plain(100L, 200L, 1, 1, STARTS, STARTS.plusSeconds(3600), Duration.ofMinutes(30),
        Duration.ofMinutes(5), "Tea\uD83D"))).containsExactly("title");
    assertThat(fields(plain(100L, 200L, 1, 1, STARTS, STARTS.plusSeconds(3600), Duration.ofMinutes(30),
        Duration.ofMinutes(5), "荔枝😀".repeat(66)))).isEmpty();
    assertThat(fields(plain(100L, 200L, 1, 1, STARTS, STARTS.plusSeconds(3600), Duration.ofMinutes(30),
        Duration.ofMinutes(5), "荔".repeat(201)))).containsExactly("title");
  }

  private static ActivityDraft talking(String talkingPoints) {
    return new ActivityDraft("Tea", Mode.STANDARD, 2, 100L, 200L, 1, 1, STARTS, STARTS.plusSeconds(3600),
        Duration.ofMinutes(30), Duration.ofMinutes(5), List.of(), null, null, null, talkingPoints);
  }

  @Test
  void talkingPointsAreOptionalPrintableAndAtMostTwoThousandCharacters() {
    assertThat(fields(talking(null))).isEmpty();
    assertThat(fields(talking("柚😀".repeat(1000)))).isEmpty();
    assertThat(fields(talking("柚".repeat(ActivityDraft.MAX_TALKING_POINTS_LENGTH + 1)))).containsExactly("talkingPoints");
    assertThat(fields(talking("第一行\n第二行"))).containsExactly("talkingPoints");
    assertThat(fields(talking("Tea\uD83D"))).containsExactly("talkingPoints");
  }

  @Test
  void talkingPointsLeftOutKeepTheCurrentOnesAndBlankRemovesThem() {
    assertThat(talking(null).talkingPointsOr("old")).isEqualTo("old");
    assertThat(talking("  new  ").talkingPointsOr("old")).isEqualTo("new");
    assertThat(talking("   ").talkingPointsOr("old")).isNull();
  }
}
