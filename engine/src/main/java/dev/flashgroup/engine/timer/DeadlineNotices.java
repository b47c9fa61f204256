package dev.flashgroup.engine.timer;

import dev.flashgroup.engine.kernel.ActivityId;
import org.springframework.stereotype.Component;

/**
 * Tells the deadline sweeper that an activity may have a payment or group deadline it does not know
 * yet (a reservation was made, an activity was cancelled or rebuilt): see {@link DueNotices}.
 * Deadlines made through other instances are found by the periodic rescan
 * ({@code flashgroup.timers.rescan}).
 */
@Component
public class DeadlineNotices extends DueNotices {

  /** The activity may now have a deadline earlier than the sweeper knows. */
  public void mayHaveNewDeadline(ActivityId activity) {
    notice(activity);
  }
}
