package dev.flashgroup.engine.rehearsal;

import dev.flashgroup.engine.activity.ActivityDraft;
import dev.flashgroup.engine.activity.Mode;
import dev.flashgroup.engine.activity.ScratchActivities;
import dev.flashgroup.engine.payment.PaymentNotifications;
import dev.flashgroup.engine.reservation.ReservationOutcome;
import dev.flashgroup.engine.reservation.Reservations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The engine's part of the rehearsal: the same Java code and Lua scripts a buyer's requests run,
 * through copies of {@link Reservations} and {@link PaymentNotifications} bound to the scratch
 * namespace. Each round opens a group and fills it, pays both members (the group succeeds), buys
 * alone and pays, is matched into a group, repeats a request under an Idempotency-Key, and is
 * refused four ways (GROUP_FULL, LIMIT_REACHED, SOLD_OUT, and the repeat's stored answer).
 */
@Component
class ScriptedOpening implements RehearsalPart {

  /** Units a round takes from the activity on sale. */
  private static final int UNITS_PER_ROUND = 5;

  private final ScratchActivities activities;
  private final Reservations reservations;
  private final PaymentNotifications payments;
  private final RehearsalSettings settings;
  private final Clock clock;

  ScriptedOpening(ScratchActivities activities, Reservations reservations, PaymentNotifications payments,
      RehearsalSettings settings, Clock clock) {
    this.activities = activities;
    this.reservations = reservations;
    this.payments = payments;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "scripts";
  }

  @Override
  public Mono<Long> rehearse(Scratch scratch) {
    Reservations buying = reservations.rehearsal(scratch.keys());
    PaymentNotifications paying = payments.rehearsal(scratch.keys());
    AtomicLong calls = new AtomicLong();
    return warm(scratch)
        .thenMany(Flux.range(0, settings.rounds())
            .takeWhile(round -> !scratch.over(clock.instant()))
            .flatMap(round -> round(scratch, buying, paying, round, calls), settings.concurrency()))
        .then(Mono.fromSupplier(calls::get));
  }

  private Mono<Void> warm(Scratch scratch) {
    Instant now = clock.instant();
    return activities.warm(scratch.keys(), Scratch.ON_SALE, terms(now, UNITS_PER_ROUND * settings.rounds()))
        .then(activities.warm(scratch.keys(), Scratch.SOLD_OUT, terms(now, 1)));
  }

  private static ActivityDraft terms(Instant now, int stock) {
    return new ActivityDraft("Rehearsal", Mode.STANDARD, 2, 100L, 200L, stock, 1, now.minus(Duration.ofMinutes(1)),
        now.plus(Duration.ofHours(1)), Duration.ofHours(1), Duration.ofHours(1));
  }

  private Mono<Void> round(Scratch scratch, Reservations buying, PaymentNotifications paying, int round,
      AtomicLong calls) {
    String buyer = scratch.buyers() + round + "-";
    Mono<Void> group = buying.openGroup(Scratch.ON_SALE, buyer + "a", null).doOnNext(r -> calls.incrementAndGet())
        .ofType(ReservationOutcome.Reserved.class)
        .flatMap(opened -> buying.joinGroup(opened.groupId(), buyer + "b", null).doOnNext(r -> calls.incrementAndGet())
            .ofType(ReservationOutcome.Reserved.class)
            .flatMap(joined -> pay(paying, opened, calls).then(pay(paying, joined, calls)))
            .then(count(buying.joinGroup(opened.groupId(), buyer + "c", null), calls)));
    Mono<Void> alone = buying.buyAlone(Scratch.ON_SALE, buyer + "c", null).doOnNext(r -> calls.incrementAndGet())
        .ofType(ReservationOutcome.Reserved.class)
        .flatMap(bought -> pay(paying, bought, calls))
        .then(count(buying.buyAlone(Scratch.ON_SALE, buyer + "c", null), calls));
    Mono<Void> others = count(buying.match(Scratch.ON_SALE, buyer + "d", null), calls)
        .then(count(buying.buyAlone(Scratch.SOLD_OUT, buyer + "e", null), calls))
        .then(count(buying.buyAlone(Scratch.ON_SALE, buyer + "f", "rehearsal"), calls))
        .then(count(buying.buyAlone(Scratch.ON_SALE, buyer + "f", "rehearsal"), calls));
    return group.then(alone).then(others);
  }

  private static Mono<Void> pay(PaymentNotifications paying, ReservationOutcome.Reserved order, AtomicLong calls) {
    return paying.paid(order.orderId(), "RH" + order.orderId(), order.amount())
        .doOnNext(confirmed -> calls.incrementAndGet()).then();
  }

  private static Mono<Void> count(Mono<?> call, AtomicLong calls) {
    return call.doOnNext(answer -> calls.incrementAndGet()).then();
  }
}
