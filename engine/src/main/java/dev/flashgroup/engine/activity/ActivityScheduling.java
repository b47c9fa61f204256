package dev.flashgroup.engine.activity;

import java.time.Clock;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Merchants schedule activities here. One that starts soon is warmed before the answer goes out. */
@Service
public class ActivityScheduling {

  private final Activities activities;
  private final WarmUp warmUp;
  private final ActivitySettings settings;
  private final Clock clock;

  ActivityScheduling(Activities activities, WarmUp warmUp, ActivitySettings settings, Clock clock) {
    this.activities = activities;
    this.warmUp = warmUp;
    this.settings = settings;
    this.clock = clock;
  }

  public Mono<Activity> schedule(String merchantId, ActivityDraft draft) {
    var violations = draft.violations(clock.instant());
    if (!violations.isEmpty()) {
      return Mono.error(new InvalidActivity(violations));
    }
    return activities.insert(merchantId, draft)
        .map(id -> draft.toActivity(id, merchantId))
        .flatMap(activity -> startsSoon(activity) ? warmUp.warm(activity).thenReturn(activity) : Mono.just(activity));
  }

  private boolean startsSoon(Activity activity) {
    return !activity.startsAt().isAfter(clock.instant().plus(settings.warmAhead()));
  }
}
