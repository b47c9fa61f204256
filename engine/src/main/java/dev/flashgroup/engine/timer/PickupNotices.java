package dev.flashgroup.engine.timer;

import dev.flashgroup.engine.kernel.ActivityId;
import org.springframework.stereotype.Component;

/**
 * Tells the pickup sweeper that an activity may have a pickup window end or a reminder it does not
 * know yet: an order became collectable (a group succeeded, a solo order was paid) or the activity
 * was rebuilt. See {@link DueNotices}; timers made through other instances are found by the
 * periodic rescan ({@code flashgroup.pickup.rescan}).
 */
@Component
public class PickupNotices extends DueNotices {

  /** Orders of the activity may have become collectable: new windows and reminders. */
  public void mayHaveNewTimer(ActivityId activity) {
    notice(activity);
  }
}
