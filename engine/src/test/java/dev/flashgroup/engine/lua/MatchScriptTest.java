package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * reserve.lua's matching (kind MATCH), the joinable list it keeps ({@code <prefix>open}, open groups
 * scored by free slots) and the FLASH rule that groups are matched, never opened by hand.
 */
class MatchScriptTest extends LuaScriptSupport {

  @Test
  void openingGroupPutsItOnJoinableListScoredByFreeSlots() {
    givenWarmActivity();

    Reply leader = opened("buyer-1");

    assertThat(openGroups()).containsExactlyEntriesOf(Map.of(leader.groupId(), 2L));
  }

  @Test
  void joiningLowersScoreAndFillingTakesGroupOffJoinableList() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");

    joined(leader.groupId(), "buyer-2");
    assertThat(openGroups()).containsExactlyEntriesOf(Map.of(leader.groupId(), 1L));

    joined(leader.groupId(), "buyer-3");
    assertThat(openGroups()).isEmpty();
  }

  @Test
  void matchOpensGroupWhenNoGroupHasFreeSlot() {
    givenWarmActivity();

    StepVerifier.create(reserve(Kind.MATCH, "buyer-1", NOW, "", null))
        .expectNext(new Reply("OK", "42-1", "42-2", GROUP_PRICE, PAY_BY))
        .verifyComplete();

    assertThat(group("42-2")).containsEntry("status", "OPEN").containsEntry("leader", "buyer-1")
        .containsEntry("members", "1");
    assertThat(openGroups()).containsExactlyEntriesOf(Map.of("42-2", 2L));
    assertThat(lastEvent().type()).isEqualTo("ReservationMade");
  }

  @Test
  void matchJoinsGroupWithFewestFreeSlots() {
    givenWarmActivity();
    Reply emptier = opened("buyer-1");
    Reply fuller = opened("buyer-2");
    joined(fuller.groupId(), "buyer-3");

    Reply matched = matched("buyer-4");

    assertThat(matched.groupId()).isEqualTo(fuller.groupId());
    assertThat(groupMembers(fuller.groupId())).containsOnlyKeys("buyer-2", "buyer-3", "buyer-4");
    assertThat(openGroups()).containsExactlyEntriesOf(Map.of(emptier.groupId(), 2L));
  }

  @Test
  void matchSkipsGroupBuyerIsAlreadyIn() {
    givenWarmActivity();
    Reply own = opened("buyer-1");
    joined(own.groupId(), "buyer-2");
    Reply other = opened("buyer-3");

    Reply matched = matched("buyer-1");

    assertThat(matched.groupId()).isEqualTo(other.groupId());
    assertThat(groupMembers(other.groupId())).containsOnlyKeys("buyer-3", "buyer-1");
  }

  @Test
  void refusesMatchWhenTheOnlyGroupWithFreeSlotsHoldsTheBuyer() {
    givenWarmActivity(ActivitySpec.standard().withMode("FLASH"));
    Reply own = matched("buyer-1");

    StepVerifier.create(reserve(Kind.MATCH, "buyer-1", NOW, "", null))
        .expectNext(Reply.refused("ALREADY_IN_GROUP"))
        .verifyComplete();

    assertThat(openGroups()).containsExactlyEntriesOf(Map.of(own.groupId(), 2L));
    assertThat(stock()).isEqualTo(9);
  }

  @Test
  void buyerWithRoomInTheirLimitMatchesIntoNextGroupOnceTheirsIsFull() {
    givenWarmActivity(ActivitySpec.standard().withMode("FLASH"));
    Reply first = matched("buyer-1");
    matched("buyer-2");
    matched("buyer-3");

    Reply second = matched("buyer-1");

    assertThat(second.outcome()).isEqualTo("OK");
    assertThat(second.groupId()).isNotEqualTo(first.groupId());
    assertThat(openGroups()).containsExactlyEntriesOf(Map.of(second.groupId(), 2L));
  }

  @Test
  void matchLooksPastManyStaleEntriesAndDropsThemFromTheJoinableList() {
    givenWarmActivity(ActivitySpec.standard().withMode("FLASH"));
    Reply open = matched("buyer-1");
    for (int i = 0; i < 20; i++) {
      redis.opsForZSet().add(keys.openGroups(), "42-gone-" + i, 1).block(TIMEOUT);
    }

    Reply matched = matched("buyer-2");

    assertThat(matched.groupId()).isEqualTo(open.groupId());
    assertThat(openGroups()).containsExactlyEntriesOf(Map.of(open.groupId(), 1L));
  }

  @Test
  void matchSkipsGroupWhoseDeadlinePassedButIsNotSettledYet() {
    givenWarmActivity();
    Reply stale = opened("buyer-1");

    Reply matched = reserve(Kind.MATCH, "buyer-2", GROUP_DEADLINE, "", null).block(TIMEOUT);

    assertThat(matched.outcome()).isEqualTo("OK");
    assertThat(matched.groupId()).isNotEqualTo(stale.groupId());
    assertThat(groupMembers(stale.groupId())).containsOnlyKeys("buyer-1");
  }

  @Test
  void matchSkipsStaleEntryOfGroupNoLongerOpen() {
    givenWarmActivity();
    Reply closed = opened("buyer-1");
    redis.opsForHash().put(keys.group(closed.groupId()), "status", "FAILED").block(TIMEOUT);

    Reply matched = matched("buyer-2");

    assertThat(matched.groupId()).isNotEqualTo(closed.groupId());
    assertThat(openGroups()).containsOnlyKeys(matched.groupId());
  }

  @Test
  void refusedMatchTakesNothing() {
    givenWarmActivity(ActivitySpec.standard().withStock(1));
    Reply leader = opened("buyer-1");

    StepVerifier.create(reserve(Kind.MATCH, "buyer-2", NOW, "", null))
        .expectNext(Reply.refused("SOLD_OUT"))
        .verifyComplete();

    assertThat(groupMembers(leader.groupId())).containsOnlyKeys("buyer-1");
    assertThat(openGroups()).containsExactlyEntriesOf(Map.of(leader.groupId(), 2L));
  }

  @Test
  void matchAnswersRepeatedIdempotencyKeyWithFirstAnswer() {
    givenWarmActivity();
    Reply first = reserve(Kind.MATCH, "buyer-1", NOW, "", "k-1").block(TIMEOUT);

    StepVerifier.create(reserve(Kind.MATCH, "buyer-1", NOW, "", "k-1"))
        .expectNext(first)
        .verifyComplete();

    assertThat(stock()).isEqualTo(9);
  }

  @Test
  void flashActivityRefusesGroupOpenedByHand() {
    givenWarmActivity(ActivitySpec.standard().withMode("FLASH"));

    StepVerifier.create(reserve(Kind.OPEN, "buyer-1", NOW, "", null))
        .expectNext(Reply.refused("MATCH_ONLY"))
        .verifyComplete();

    assertThat(stock()).isEqualTo(10);
    assertThat(eventTypes()).isEmpty();
  }

  @Test
  void flashActivityMatchesIntoOneGroupUntilItIsFull() {
    givenWarmActivity(ActivitySpec.standard().withMode("FLASH"));

    Reply first = matched("buyer-1");
    Reply second = matched("buyer-2");
    Reply third = matched("buyer-3");
    Reply fourth = matched("buyer-4");

    assertThat(second.groupId()).isEqualTo(first.groupId());
    assertThat(third.groupId()).isEqualTo(first.groupId());
    assertThat(fourth.groupId()).isNotEqualTo(first.groupId());
    assertThat(openGroups()).containsExactlyEntriesOf(Map.of(fourth.groupId(), 2L));
  }

  @Test
  void flashActivityStillTakesJoinOfSharedGroup() {
    givenWarmActivity(ActivitySpec.standard().withMode("FLASH"));
    Reply first = matched("buyer-1");

    assertThat(joined(first.groupId(), "buyer-2").groupId()).isEqualTo(first.groupId());
  }

  /** Each buyer sends three matches at once, so a buyer often matches again while in the only open group. */
  @Test
  void concurrentMatchesOfBuyersTakingSeveralUnitsLeaveAtMostOneGroupWithFreeSlots() {
    givenWarmActivity(ActivitySpec.standard().withMode("FLASH").withStock(100).withPerUserLimit(3));

    List<Reply> replies = Flux.fromStream(IntStream.range(0, 60).mapToObj(i -> "buyer-" + (i / 3)))
        .flatMap(buyer -> reserve(Kind.MATCH, buyer, NOW, "", null), 60)
        .collectList().block(TIMEOUT);

    List<Reply> accepted = replies.stream().filter(r -> r.outcome().equals("OK")).toList();
    assertThat(replies.stream().map(Reply::outcome)).isSubsetOf("OK", "ALREADY_IN_GROUP");
    assertThat(stock()).isEqualTo(100 - accepted.size());
    List<String> groups = accepted.stream().map(Reply::groupId).distinct().toList();
    long withFreeSlots = groups.stream().filter(id -> Integer.parseInt(group(id).get("members")) < 3).count();
    assertThat(withFreeSlots).isLessThanOrEqualTo(1);
    assertThat(openGroups()).hasSize((int) withFreeSlots);
    for (String id : groups) {
      assertThat(groupMembers(id)).hasSize(Integer.parseInt(group(id).get("members"))).hasSizeLessThanOrEqualTo(3);
    }
    assertThat(groups.stream().mapToInt(id -> groupMembers(id).size()).sum()).isEqualTo(accepted.size());
  }
}
