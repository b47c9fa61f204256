package dev.flashgroup.engine.activity;

import java.time.Clock;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** Merchants schedule activities here. One that starts soon is warmed before the answer goes out. */
@Service
public class ActivityScheduling {

  private final Activities activities;
  private final WarmUp warmUp;
  private final ActivitySettings settings;
  private final Clock clock;
  private final PickupAllocationCheck allocation;
  private final TransactionalOperator tx;
  private final CommissionRateSettings rates;

  ActivityScheduling(Activities activities, WarmUp warmUp, ActivitySettings settings, Clock clock,
      PickupAllocationCheck allocation, ReactiveTransactionManager transactions, CommissionRateSettings rates) {
    this.rates = rates;
    this.activities = activities;
    this.warmUp = warmUp;
    this.settings = settings;
    this.clock = clock;
    this.allocation = allocation;
    this.tx = TransactionalOperator.create(transactions);
  }

  public Mono<Activity> schedule(String merchantId, ActivityDraft draft) {
    var violations = draft.violations(clock.instant());
    if (!violations.isEmpty()) {
      return Mono.error(new InvalidActivity(violations));
    }
    // The activity and its allocation are written together or not at all.
    return allocation.check(draft)
        .then(tx.transactional(activities.insert(merchantId, draft, rates.defaultBps())
            .flatMap(id -> activities.writePickup(id, draft.pickup()).thenReturn(id))))
        .map(id -> draft.toActivity(id, merchantId, rates.defaultBps(), null))
        .flatMap(activity -> startsSoon(activity) ? warmUp.warm(activity).thenReturn(activity) : Mono.just(activity));
  }

  private boolean startsSoon(Activity activity) {
    return settings.startsSoon(activity.startsAt(), clock.instant());
  }
}
