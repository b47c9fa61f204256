package dev.flashgroup.engine.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** reserve.lua: opens a group, joins a group, matches into a group or buys alone, in one atomic step. */
class ReserveScriptTest extends LuaScriptSupport {

  @Test
  void refusesUnknownActivity() {
    StepVerifier.create(reserve(Kind.OPEN, "buyer-1", NOW, "", null))
        .expectNext(Reply.refused("NOT_FOUND"))
        .verifyComplete();

    assertThat(eventTypes()).isEmpty();
  }

  @Test
  void refusesBeforeActivityStarts() {
    givenWarmActivity();

    StepVerifier.create(reserve(Kind.OPEN, "buyer-1", STARTS_AT - 1, "", null))
        .expectNext(Reply.refused("NOT_STARTED"))
        .verifyComplete();

    assertThat(stock()).isEqualTo(10);
  }

  @Test
  void refusesOnceActivityHasEnded() {
    givenWarmActivity();

    StepVerifier.create(reserve(Kind.SOLO, "buyer-1", ENDS_AT, "", null))
        .expectNext(Reply.refused("ENDED"))
        .verifyComplete();

    assertThat(stock()).isEqualTo(10);
  }

  @Test
  void opensGroupWithLeaderAsFirstMember() {
    givenWarmActivity();

    StepVerifier.create(reserve(Kind.OPEN, "buyer-1", NOW, "", null))
        .expectNext(new Reply("OK", "42-1", "42-2", GROUP_PRICE, PAY_BY))
        .verifyComplete();

    assertThat(stock()).isEqualTo(9);
    assertThat(activity()).containsEntry("seq", "2");
    assertThat(quota()).containsExactlyEntriesOf(Map.of("buyer-1", "1"));
    assertThat(order("42-1"))
        .containsEntry("status", "RESERVED")
        .containsEntry("buyer", "buyer-1")
        .containsEntry("group", "42-2")
        .containsEntry("amount", Long.toString(GROUP_PRICE))
        .containsEntry("pay_by", Long.toString(PAY_BY))
        .containsEntry("created_at", Long.toString(NOW))
        .containsEntry("version", "1");
    assertThat(group("42-2"))
        .containsEntry("status", "OPEN")
        .containsEntry("size", "3")
        .containsEntry("members", "1")
        .containsEntry("paid", "0")
        .containsEntry("deadline", Long.toString(GROUP_DEADLINE))
        .containsEntry("leader", "buyer-1")
        .containsEntry("opened_at", Long.toString(NOW))
        .containsEntry("version", "1");
    assertThat(groupMembers("42-2")).containsExactlyEntriesOf(Map.of("buyer-1", "42-1"));
    assertThat(paymentDeadlines()).containsExactlyEntriesOf(Map.of("42-1", PAY_BY));
    assertThat(groupDeadlines()).containsExactlyEntriesOf(Map.of("42-2", GROUP_DEADLINE));
  }

  @Test
  void recordsReservationMadeWithOrderAndGroupSnapshots() {
    givenWarmActivity();
    opened("buyer-1");

    Event event = lastEvent();
    assertThat(event.type()).isEqualTo("ReservationMade");
    assertThat(event.data().get("at").asLong()).isEqualTo(NOW);
    assertThat(event.data().get("orders").size()).isEqualTo(1);
    var order = event.data().get("orders").get(0);
    assertThat(order.get("id").asString()).isEqualTo("42-1");
    assertThat(order.get("activityId").asString()).isEqualTo("42");
    assertThat(order.get("groupId").asString()).isEqualTo("42-2");
    assertThat(order.get("buyerId").asString()).isEqualTo("buyer-1");
    assertThat(order.get("status").asString()).isEqualTo("RESERVED");
    assertThat(order.get("amount").asLong()).isEqualTo(GROUP_PRICE);
    assertThat(order.get("payBy").asLong()).isEqualTo(PAY_BY);
    assertThat(order.get("version").asLong()).isEqualTo(1);
    var group = event.data().get("group");
    assertThat(group.get("id").asString()).isEqualTo("42-2");
    assertThat(group.get("activityId").asString()).isEqualTo("42");
    assertThat(group.get("status").asString()).isEqualTo("OPEN");
    assertThat(group.get("size").asLong()).isEqualTo(3);
    assertThat(group.get("members").asLong()).isEqualTo(1);
    assertThat(group.get("paid").asLong()).isEqualTo(0);
    assertThat(group.get("deadline").asLong()).isEqualTo(GROUP_DEADLINE);
    assertThat(group.get("version").asLong()).isEqualTo(1);
    assertThat(group.get("leader").asString()).isEqualTo("buyer-1");
  }

  @Test
  void sellsSoloUnitAtSoloPriceWithoutGroup() {
    givenWarmActivity();

    StepVerifier.create(reserve(Kind.SOLO, "buyer-1", NOW, "", null))
        .expectNext(new Reply("OK", "42-1", "", SOLO_PRICE, PAY_BY))
        .verifyComplete();

    assertThat(stock()).isEqualTo(9);
    assertThat(quota()).containsEntry("buyer-1", "1");
    assertThat(order("42-1")).containsEntry("group", "").containsEntry("amount", Long.toString(SOLO_PRICE));
    assertThat(paymentDeadlines()).containsOnlyKeys("42-1");
    assertThat(groupDeadlines()).isEmpty();
    Event event = lastEvent();
    assertThat(event.type()).isEqualTo("ReservationMade");
    assertThat(event.data().get("group").isNull()).isTrue();
    assertThat(event.data().get("orders").get(0).get("groupId").asString()).isEmpty();
  }

  @Test
  void joinsOpenGroupAtGroupPrice() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");

    StepVerifier.create(reserve(Kind.JOIN, "buyer-2", NOW, leader.groupId(), null))
        .expectNext(new Reply("OK", "42-3", leader.groupId(), GROUP_PRICE, PAY_BY))
        .verifyComplete();

    assertThat(stock()).isEqualTo(8);
    assertThat(quota()).containsEntry("buyer-2", "1");
    assertThat(group(leader.groupId())).containsEntry("members", "2").containsEntry("version", "2");
    assertThat(groupMembers(leader.groupId())).containsEntry("buyer-2", "42-3");
    assertThat(order("42-3")).containsEntry("group", leader.groupId()).containsEntry("status", "RESERVED");
    assertThat(paymentDeadlines()).containsOnlyKeys("42-1", "42-3");
    Event event = lastEvent();
    assertThat(event.type()).isEqualTo("ReservationMade");
    assertThat(orderIds(event)).containsExactly("42-3");
    assertThat(event.data().get("group").get("members").asLong()).isEqualTo(2);
  }

  @Test
  void refusesJoinOfUnknownGroup() {
    givenWarmActivity();

    StepVerifier.create(reserve(Kind.JOIN, "buyer-1", NOW, "42-99", null))
        .expectNext(Reply.refused("NOT_FOUND"))
        .verifyComplete();

    assertThat(stock()).isEqualTo(10);
    assertThat(quota()).isEmpty();
  }

  @Test
  void refusesJoinOnceGroupDeadlineHasPassed() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");

    StepVerifier.create(reserve(Kind.JOIN, "buyer-2", GROUP_DEADLINE, leader.groupId(), null))
        .expectNext(Reply.refused("GROUP_CLOSED"))
        .verifyComplete();

    assertThat(group(leader.groupId())).containsEntry("members", "1");
    assertThat(stock()).isEqualTo(9);
  }

  @Test
  void refusesJoinOfGroupThatIsNoLongerOpen() {
    givenWarmActivity(ActivitySpec.standard().withGroupSize(2));
    Reply leader = opened("buyer-1");
    Reply member = joined(leader.groupId(), "buyer-2");
    paid(leader);
    paid(member);

    // Before the deadline and full, but the status check comes first: closed, not full.
    StepVerifier.create(reserve(Kind.JOIN, "buyer-3", NOW + 2_000, leader.groupId(), null))
        .expectNext(Reply.refused("GROUP_CLOSED"))
        .verifyComplete();

    assertThat(quota()).doesNotContainKey("buyer-3");
  }

  @Test
  void rejectsSecondJoinBySameBuyer() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");
    joined(leader.groupId(), "buyer-2");

    StepVerifier.create(reserve(Kind.JOIN, "buyer-2", NOW, leader.groupId(), null))
        .expectNext(Reply.refused("ALREADY_IN_GROUP"))
        .verifyComplete();

    assertThat(group(leader.groupId())).containsEntry("members", "2");
    assertThat(quota()).containsEntry("buyer-2", "1");
    assertThat(stock()).isEqualTo(8);
  }

  @Test
  void rejectsLeaderJoiningOwnGroup() {
    givenWarmActivity();
    Reply leader = opened("buyer-1");

    StepVerifier.create(reserve(Kind.JOIN, "buyer-1", NOW, leader.groupId(), null))
        .expectNext(Reply.refused("ALREADY_IN_GROUP"))
        .verifyComplete();
  }

  @Test
  void refusesJoinOfFullGroup() {
    givenWarmActivity(ActivitySpec.standard().withGroupSize(2));
    Reply leader = opened("buyer-1");
    joined(leader.groupId(), "buyer-2");

    StepVerifier.create(reserve(Kind.JOIN, "buyer-3", NOW, leader.groupId(), null))
        .expectNext(Reply.refused("GROUP_FULL"))
        .verifyComplete();

    assertThat(group(leader.groupId())).containsEntry("members", "2");
    assertThat(groupMembers(leader.groupId())).containsOnlyKeys("buyer-1", "buyer-2");
    assertThat(stock()).isEqualTo(8);
  }

  @Test
  void refusesBuyerWhoReachedPerUserLimit() {
    givenWarmActivity(ActivitySpec.standard().withPerUserLimit(2));
    boughtAlone("buyer-1");
    opened("buyer-1");

    StepVerifier.create(reserve(Kind.SOLO, "buyer-1", NOW, "", null))
        .expectNext(Reply.refused("LIMIT_REACHED"))
        .verifyComplete();

    assertThat(quota()).containsEntry("buyer-1", "2");
    assertThat(stock()).isEqualTo(8);
  }

  @Test
  void refusesWhenSoldOut() {
    givenWarmActivity(ActivitySpec.standard().withStock(1));
    boughtAlone("buyer-1");

    StepVerifier.create(reserve(Kind.OPEN, "buyer-2", NOW, "", null))
        .expectNext(Reply.refused("SOLD_OUT"))
        .verifyComplete();

    assertThat(stock()).isZero();
    assertThat(quota()).doesNotContainKey("buyer-2");
    assertThat(groupDeadlines()).isEmpty();
    assertThat(eventTypes()).containsExactly("ReservationMade");
  }

  @Test
  void answersRepeatedIdempotencyKeyWithFirstReservation() {
    givenWarmActivity();
    Reply first = reserve(Kind.OPEN, "buyer-1", NOW, "", "key-1").block(TIMEOUT);

    StepVerifier.create(reserve(Kind.OPEN, "buyer-1", NOW + 500, "", "key-1"))
        .expectNext(first)
        .verifyComplete();

    assertThat(first).isEqualTo(new Reply("OK", "42-1", "42-2", GROUP_PRICE, PAY_BY));
    assertThat(stock()).isEqualTo(9);
    assertThat(quota()).containsEntry("buyer-1", "1");
    assertThat(groupDeadlines()).containsOnlyKeys("42-2");
    assertThat(eventTypes()).containsExactly("ReservationMade");
  }

  @Test
  void decidesARetryAfreshWhenTheFirstRefusalMayChange() {
    givenWarmActivity();
    reserve(Kind.SOLO, "buyer-1", STARTS_AT - 1, "", "key-1").block(TIMEOUT);

    // Now the activity has started: NOT_STARTED was not kept, so the retry reserves.
    StepVerifier.create(reserve(Kind.SOLO, "buyer-1", NOW, "", "key-1"))
        .expectNext(new Reply("OK", "42-1", "", SOLO_PRICE, PAY_BY))
        .verifyComplete();

    assertThat(stock()).isEqualTo(9);
  }

  @Test
  void answersRepeatedIdempotencyKeyWithAFinalRefusal() {
    givenWarmActivity();
    reserve(Kind.SOLO, "buyer-1", ENDS_AT, "", "key-1").block(TIMEOUT);

    StepVerifier.create(reserve(Kind.SOLO, "buyer-1", NOW, "", "key-1"))
        .expectNext(Reply.refused("ENDED"))
        .verifyComplete();

    assertThat(stock()).isEqualTo(10);
    assertThat(eventTypes()).isEmpty();
  }

  @Test
  void refusesAKeyReusedForAnotherRequestAndTakesNothing() {
    givenWarmActivity();
    Reply first = reserve(Kind.OPEN, "buyer-1", NOW, "", "key-1").block(TIMEOUT);

    StepVerifier.create(reserve(Kind.SOLO, "buyer-1", NOW, "", "key-1"))
        .expectNext(Reply.refused("IDEMPOTENCY_KEY_REUSED"))
        .verifyComplete();
    StepVerifier.create(reserve(Kind.JOIN, "buyer-1", NOW, first.groupId(), "key-1"))
        .expectNext(Reply.refused("IDEMPOTENCY_KEY_REUSED"))
        .verifyComplete();

    assertThat(stock()).isEqualTo(9);
    assertThat(quota()).containsEntry("buyer-1", "1");
  }

  @Test
  void keysOfBuyersWhoseIdsShareAPrefixNeverMeet() {
    givenWarmActivity();
    Reply first = reserve(Kind.SOLO, "kA", NOW, "", "x:k9").block(TIMEOUT);

    StepVerifier.create(reserve(Kind.SOLO, "kA:x", NOW, "", "k9"))
        .expectNext(new Reply("OK", "42-2", "", SOLO_PRICE, PAY_BY))
        .verifyComplete();

    assertThat(first.orderId()).isEqualTo("42-1");
    assertThat(keys.idempotency("kA", "x:k9")).isNotEqualTo(keys.idempotency("kA:x", "k9"));
  }

  @Test
  void slowsABuyerPastTheirAttemptsThisSecondWithoutLookingFurther() {
    givenWarmActivity();
    attemptsPerSecond = 2;
    reserve(Kind.SOLO, "buyer-1", NOW, "", null).block(TIMEOUT);
    reserve(Kind.SOLO, "buyer-1", NOW, "", null).block(TIMEOUT);

    Reply third = reserve(Kind.SOLO, "buyer-1", NOW, "", null).block(TIMEOUT);

    assertThat(third.outcome()).isEqualTo("TOO_MANY_REQUESTS");
    assertThat(third.payBy()).isBetween(1L, 1000L);
    assertThat(stock()).isEqualTo(8);
    assertThat(reserve(Kind.SOLO, "buyer-2", NOW, "", null).block(TIMEOUT).outcome()).isEqualTo("OK");
    assertThat(redis.getExpire(keys.attempts("buyer-1")).block(TIMEOUT)).isBetween(Duration.ZERO, Duration.ofSeconds(1));
  }

  @Test
  void aGroupNeverOutlivesItsActivity() {
    givenWarmActivity();
    long late = ENDS_AT - Duration.ofMinutes(5).toMillis();

    Reply opened = reserve(Kind.OPEN, "buyer-1", late, "", null).block(TIMEOUT);

    assertThat(group(opened.groupId())).containsEntry("deadline", Long.toString(ENDS_AT));
    assertThat(groupDeadlines()).containsEntry(opened.groupId(), ENDS_AT);
  }

  @Test
  void makesTwoOrdersForTwoCallsWithoutIdempotencyKey() {
    givenWarmActivity();

    StepVerifier.create(reserve(Kind.SOLO, "buyer-1", NOW, "", null)
            .concatWith(reserve(Kind.SOLO, "buyer-1", NOW, "", null)))
        .expectNext(new Reply("OK", "42-1", "", SOLO_PRICE, PAY_BY))
        .expectNext(new Reply("OK", "42-2", "", SOLO_PRICE, PAY_BY))
        .verifyComplete();

    assertThat(stock()).isEqualTo(8);
    assertThat(quota()).containsEntry("buyer-1", "2");
  }

  /**
   * Matching (kind MATCH), the joinable list reserve.lua keeps (KEYS[5], open groups scored by free
   * slots) and the FLASH rule that groups are matched, never opened by hand.
   */
  @Nested
  class Matching {

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

  /** Attribution to leaders: the referrer, else the bound leader, else the point's leader, else nobody. */
  @Nested
  class Attribution {

    Reply reserveWith(String point, String referrer, String bound, String pointLeader) {
      return reserve(Kind.SOLO, "buyer-1", NOW, "", null, point, List.of(referrer, bound, pointLeader)).block(TIMEOUT);
    }

    /** A field of the last event's (first) order, null when the script left it out. */
    String lastOrderField(String field) {
      var value = lastEvent().data().get("orders").get(0).get(field);
      return value == null || value.isNull() ? null : value.asString();
    }

    @Test
    void creditsAnActiveReferrerAndBindsTheBuyerToThem() {
      assertThat(warm(ActivitySpec.standard()).block(TIMEOUT)).isEqualTo("WARMED");

      Reply reply = reserveWith("", "lead-1", "", "");

      assertThat(order(reply.orderId())).containsEntry("leader", "lead-1").containsEntry("attribution", "REFERRER");
      assertThat(lastOrderField("leaderId")).isEqualTo("lead-1");
      assertThat(lastOrderField("attribution")).isEqualTo("REFERRER");
      assertThat(lastOrderField("bindsTo")).isEqualTo("lead-1");
    }

    @Test
    void theReferrerWinsOverTheBindingWhichStaysWithTheBoundLeader() {
      assertThat(warm(ActivitySpec.standard()).block(TIMEOUT)).isEqualTo("WARMED");

      Reply reply = reserveWith("", "lead-1", "lead-2", "");

      assertThat(order(reply.orderId())).containsEntry("leader", "lead-1").containsEntry("attribution", "REFERRER");
      assertThat(lastOrderField("bindsTo")).isNull();
    }

    @Test
    void aReferralByTheBoundLeaderRenewsTheBinding() {
      assertThat(warm(ActivitySpec.standard()).block(TIMEOUT)).isEqualTo("WARMED");

      reserveWith("", "lead-2", "lead-2", "");

      assertThat(lastOrderField("leaderId")).isEqualTo("lead-2");
      assertThat(lastOrderField("bindsTo")).isEqualTo("lead-2");
    }

    @Test
    void withoutReferrerTheBoundLeaderIsCreditedAndNothingIsRebound() {
      assertThat(warm(ActivitySpec.standard()).block(TIMEOUT)).isEqualTo("WARMED");

      Reply reply = reserveWith("", "", "lead-2", "lead-3");

      assertThat(order(reply.orderId())).containsEntry("leader", "lead-2").containsEntry("attribution", "BINDING");
      assertThat(lastOrderField("bindsTo")).isNull();
    }

    @Test
    void withoutReferrerOrBindingThePointsLeaderIsCredited() {
      assertThat(warm(ActivitySpec.standard(), new long[] {3, 4}).block(TIMEOUT)).isEqualTo("WARMED");

      Reply reply = reserveWith("3", "", "", "lead-3");

      assertThat(order(reply.orderId())).containsEntry("leader", "lead-3").containsEntry("attribution", "POINT");
      assertThat(lastOrderField("leaderId")).isEqualTo("lead-3");
    }

    @Test
    void aPointLeaderWithoutAPointCreditsNobody() {
      assertThat(warm(ActivitySpec.standard()).block(TIMEOUT)).isEqualTo("WARMED");

      Reply reply = reserveWith("", "", "", "lead-3");

      assertThat(order(reply.orderId())).doesNotContainKeys("leader", "attribution");
      assertThat(lastOrderField("leaderId")).isNull();
    }

    @Test
    void noCandidateCreditsNobody() {
      assertThat(warm(ActivitySpec.standard()).block(TIMEOUT)).isEqualTo("WARMED");

      Reply reply = reserveWith("", "", "", "");

      assertThat(order(reply.orderId())).doesNotContainKeys("leader", "attribution");
      assertThat(lastOrderField("leaderId")).isNull();
      assertThat(lastOrderField("attribution")).isNull();
    }

    @Test
    void laterSnapshotsOfTheOrderCarryItsLeader() {
      assertThat(warm(ActivitySpec.standard()).block(TIMEOUT)).isEqualTo("WARMED");
      Reply reply = reserveWith("", "lead-1", "", "");

      assertThat(confirmPayment(reply.orderId(), "tx-1", Long.parseLong(order(reply.orderId()).get("amount")), NOW + 1)
          .block(TIMEOUT).get(0)).isEqualTo("PAID");

      assertThat(lastOrderField("leaderId")).isEqualTo("lead-1");
      assertThat(lastOrderField("bindsTo")).isNull();
    }

    @Test
    void aRefusedReservationCreditsNobodyAndTakesNothing() {
      assertThat(warm(ActivitySpec.standard()).block(TIMEOUT)).isEqualTo("WARMED");
      Map<String, String> before = activity();

      assertThat(reserve(Kind.JOIN, "buyer-1", NOW, "42-99", null, "", List.of("lead-1", "", "")).block(TIMEOUT)
          .outcome()).isEqualTo("NOT_FOUND");

      assertThat(activity()).isEqualTo(before);
    }
  }

  /** An activity of 10 units allocated to pickup points 3 (4 units) and 5 (6 units). */
  @Nested
  class PickupPoints {

    void givenPoints() {
      assertThat(warm(ActivitySpec.standard(), new long[] {3, 4}, new long[] {5, 6}).block(TIMEOUT)).isEqualTo("WARMED");
    }

    Reply reserveAt(Kind kind, String buyer, String groupId, String point) {
      return reserve(kind, buyer, NOW, groupId, null, point).block(TIMEOUT);
    }

    @Test
    void takesTheUnitFromTheNamedPointAndTheStockTogether() {
      givenPoints();

      assertThat(reserveAt(Kind.SOLO, "buyer-1", "", "5").outcome()).isEqualTo("OK");

      assertThat(stock()).isEqualTo(9);
      assertThat(pointStock(5)).isEqualTo(5);
      assertThat(pointStock(3)).isEqualTo(4);
      assertThat(order("42-1")).containsEntry("point", "5");
      assertThat(lastEvent().data().get("orders").get(0).get("pointId").asLong()).isEqualTo(5);
    }

    @Test
    void membersOfOneGroupCollectAtDifferentPoints() {
      givenPoints();

      Reply opened = reserveAt(Kind.OPEN, "buyer-1", "", "3");
      Reply joined = reserveAt(Kind.JOIN, "buyer-2", opened.groupId(), "5");
      Reply matched = reserveAt(Kind.MATCH, "buyer-3", "", "5");

      assertThat(List.of(opened.outcome(), joined.outcome(), matched.outcome())).containsOnly("OK");
      assertThat(matched.groupId()).isEqualTo(opened.groupId());
      assertThat(order(opened.orderId())).containsEntry("point", "3");
      assertThat(order(joined.orderId())).containsEntry("point", "5");
      assertThat(pointStock(3)).isEqualTo(3);
      assertThat(pointStock(5)).isEqualTo(4);
      assertThat(stock()).isEqualTo(7);
    }

    @Test
    void refusesAReservationThatNamesNoPointAndChangesNothing() {
      givenPoints();
      Map<String, String> before = activity();

      for (Kind kind : List.of(Kind.OPEN, Kind.MATCH, Kind.SOLO)) {
        assertThat(reserveAt(kind, "buyer-1", "", "")).isEqualTo(Reply.refused("PICKUP_POINT_REQUIRED"));
      }

      assertThat(activity()).isEqualTo(before);
      assertThat(quota()).isEmpty();
      assertThat(eventTypes()).isEmpty();
    }

    @Test
    void refusesAPointTheActivityDoesNotDeliverTo() {
      givenPoints();

      assertThat(reserveAt(Kind.SOLO, "buyer-1", "", "4")).isEqualTo(Reply.refused("PICKUP_POINT_NOT_SERVED"));

      assertThat(stock()).isEqualTo(10);
      assertThat(activity()).doesNotContainKey("point:4");
      assertThat(eventTypes()).isEmpty();
    }

    @Test
    void refusesAPointForAnActivityWithoutPoints() {
      givenWarmActivity();

      assertThat(reserveAt(Kind.SOLO, "buyer-1", "", "3")).isEqualTo(Reply.refused("PICKUP_POINT_NOT_SERVED"));

      assertThat(stock()).isEqualTo(10);
      assertThat(eventTypes()).isEmpty();
    }

    @Test
    void refusesPointSoldOutWhileOtherPointsHaveUnitsThenSoldOut() {
      givenPoints();
      for (int i = 1; i <= 4; i++) {
        assertThat(reserveAt(Kind.SOLO, "buyer-" + i, "", "3").outcome()).isEqualTo("OK");
      }

      assertThat(reserveAt(Kind.SOLO, "buyer-9", "", "3")).isEqualTo(Reply.refused("POINT_SOLD_OUT"));
      assertThat(pointStock(3)).isZero();
      assertThat(stock()).isEqualTo(6);

      for (int i = 10; i < 16; i++) {
        assertThat(reserveAt(Kind.SOLO, "buyer-" + i, "", "5").outcome()).isEqualTo("OK");
      }
      assertThat(reserveAt(Kind.SOLO, "buyer-20", "", "3")).isEqualTo(Reply.refused("SOLD_OUT"));
      assertThat(reserveAt(Kind.SOLO, "buyer-20", "", "5")).isEqualTo(Reply.refused("SOLD_OUT"));
      assertThat(stock()).isZero();
      assertThat(pointStock(5)).isZero();
    }

    @Test
    void refusesAClosedPointAndTakesNothingWhileOthersStillSell() {
      givenPoints();
      Reply before = reserveAt(Kind.SOLO, "buyer-1", "", "3");
      assertThat(closePoint(3).block(TIMEOUT)).isEqualTo("CLOSED");
      Map<String, String> activity = activity();
      int events = events().size();

      for (Kind kind : List.of(Kind.OPEN, Kind.MATCH, Kind.SOLO)) {
        assertThat(reserveAt(kind, "buyer-2", "", "3")).isEqualTo(Reply.refused("PICKUP_POINT_CLOSED"));
      }

      assertThat(activity()).isEqualTo(activity);
      assertThat(events()).hasSize(events);
      assertThat(order(before.orderId())).containsEntry("point", "3");
      assertThat(reserveAt(Kind.SOLO, "buyer-2", "", "5").outcome()).isEqualTo("OK");
    }

    @Test
    void anIdempotencyKeyUsedForAnotherPointIsRefused() {
      givenPoints();
      Reply first = reserve(Kind.SOLO, "buyer-1", NOW, "", "key-1", "3").block(TIMEOUT);

      assertThat(reserve(Kind.SOLO, "buyer-1", NOW, "", "key-1", "3").block(TIMEOUT)).isEqualTo(first);
      assertThat(reserve(Kind.SOLO, "buyer-1", NOW, "", "key-1", "5").block(TIMEOUT))
          .isEqualTo(Reply.refused("IDEMPOTENCY_KEY_REUSED"));
      assertThat(pointStock(3)).isEqualTo(3);
      assertThat(pointStock(5)).isEqualTo(6);
    }
  }

  /**
   * Low-stock alerts (安全库存预警): 10 units at points 3 (4) and 5 (6); safety stock 7 for the
   * activity, 2 for point 3, none for point 5 (givenSafetyStocks).
   */
  @Nested
  class LowStockAlerts {

    @Test
    void noSafetyStockNoAlert() {
      assertThat(warm(ActivitySpec.standard(), new long[] {3, 4}, new long[] {5, 6}).block(TIMEOUT)).isEqualTo("WARMED");

      boughtAt("5", 6);

      assertThat(stockLows()).isEmpty();
      assertThat(activity()).doesNotContainKeys("alerted", "alerted:5");
    }

    @Test
    void aboveTheSafetyStockNoAlert() {
      givenSafetyStocks(7, 2);

      boughtAt("5", 2);

      assertThat(stock()).isEqualTo(8);
      assertThat(stockLows()).isEmpty();
      assertThat(alerted("")).isFalse();
    }

    @Test
    void theReservationThatReachesTheSafetyStockAlertsAfterItsReservation() {
      givenSafetyStocks(7, 2);

      List<Reply> made = boughtAt("5", 3);

      String orderId = made.get(2).orderId();
      assertThat(eventTypes()).endsWith("ReservationMade", "StockLow");
      Event alert = lastEvent();
      assertThat(alert.data().get("alertId").asString()).isEqualTo(orderId);
      assertThat(alert.data().get("orderId").asString()).isEqualTo(orderId);
      assertThat(alert.data().get("activityId").asString()).isEqualTo("42");
      assertThat(alert.data().has("pointId")).isFalse();
      assertThat(alert.data().get("remaining").asLong()).isEqualTo(7);
      assertThat(alert.data().get("safetyStock").asLong()).isEqualTo(7);
      assertThat(alert.data().get("at").asLong()).isEqualTo(NOW);
      assertThat(alerted("")).isTrue();
    }

    @Test
    void anAlertedLevelDoesNotAlertAgainAsItFallsFurther() {
      givenSafetyStocks(7, 2);

      boughtAt("5", 6);

      assertThat(stock()).isEqualTo(4);
      assertThat(stockLows()).hasSize(1);
    }

    @Test
    void aPointReachingItsSafetyStockAlertsWithItsPoint() {
      givenSafetyStocks(0, 2);

      List<Reply> made = boughtAt("3", 2);

      assertThat(stockLows()).hasSize(1);
      Event alert = lastEvent();
      assertThat(alert.data().get("alertId").asString()).isEqualTo(made.get(1).orderId() + ":3");
      assertThat(alert.data().get("pointId").asLong()).isEqualTo(3);
      assertThat(alert.data().get("remaining").asLong()).isEqualTo(2);
      assertThat(alert.data().get("safetyStock").asLong()).isEqualTo(2);
      assertThat(alerted("3")).isTrue();
      assertThat(alerted("")).isFalse();
    }

    @Test
    void anAlertedPointDoesNotAlertAgain() {
      givenSafetyStocks(0, 2);

      boughtAt("3", 4);

      assertThat(stockLows()).hasSize(1);
      assertThat(pointStock(3)).isZero();
    }

    @Test
    void aReservationCrossingBothLevelsAppendsTwoAlerts() {
      givenSafetyStocks(7, 3);
      boughtAt("5", 2);

      Reply made = boughtAt("3", 1).get(0);

      assertThat(stock()).isEqualTo(7);
      assertThat(pointStock(3)).isEqualTo(3);
      assertThat(eventTypes()).endsWith("ReservationMade", "StockLow", "StockLow");
      List<Event> alerts = stockLows();
      assertThat(alerts).hasSize(2);
      assertThat(alerts.get(0).data().get("alertId").asString()).isEqualTo(made.orderId());
      assertThat(alerts.get(1).data().get("alertId").asString()).isEqualTo(made.orderId() + ":3");
      assertThat(alerted("")).isTrue();
      assertThat(alerted("3")).isTrue();
    }

    @Test
    void aSafetyStockOfZeroAlertsWhenTheLevelSellsOut() {
      givenSafetyStocks(0, 0);

      boughtAt("3", 3);
      assertThat(stockLows()).isEmpty();
      boughtAt("3", 1);

      assertThat(stockLows()).hasSize(1);
      assertThat(lastEvent().data().get("remaining").asLong()).isZero();
    }

    @Test
    void aRefusedReservationNeverAlerts() {
      givenSafetyStocks(0, 0);
      boughtAt("3", 4);
      int events = events().size();

      assertThat(reserve(Kind.SOLO, "late", NOW, "", null, "3").block(TIMEOUT))
          .isEqualTo(Reply.refused("POINT_SOLD_OUT"));

      assertThat(events()).hasSize(events);
    }

    @Test
    void aRepeatedIdempotencyKeyDoesNotAlertAgain() {
      givenSafetyStocks(9, 4);
      Reply first = reserve(Kind.SOLO, "buyer-1", NOW, "", "key-1", "3").block(TIMEOUT);

      assertThat(reserve(Kind.SOLO, "buyer-1", NOW, "", "key-1", "3").block(TIMEOUT)).isEqualTo(first);

      assertThat(stockLows()).hasSize(2);
    }
  }
}
