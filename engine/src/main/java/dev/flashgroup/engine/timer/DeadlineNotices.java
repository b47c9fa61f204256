package dev.flashgroup.engine.timer;

import dev.flashgroup.engine.kernel.ActivityId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Where this instance's own code tells the sweeper that an activity may have a deadline it does not
 * know yet (a reservation was made, an activity was cancelled). The sweeper sleeps until the
 * earliest deadline it knows of; a noticed activity is looked at again at its next round, which a
 * notice brings forward to within the sweeper's interval. In memory only: no Redis round trip is
 * added to the path that noticed. Deadlines made through other instances are found by the periodic
 * rescan ({@code flashgroup.timers.rescan}), and by those instances' own sweepers.
 */
@Component
public class DeadlineNotices {

  private final Set<ActivityId> noticed = ConcurrentHashMap.newKeySet();
  private volatile Runnable listener = () -> {};

  /** The activity may now have a deadline earlier than the sweeper knows. Cheap: a set add. */
  public void mayHaveNewDeadline(ActivityId activity) {
    if (noticed.add(activity)) {
      listener.run();
    }
  }

  void listen(Runnable wakeUp) {
    this.listener = wakeUp;
  }

  /** The activities noticed since the last call; bounded by the number of warm activities. */
  List<ActivityId> take() {
    List<ActivityId> taken = new ArrayList<>(noticed);
    noticed.removeAll(taken);
    return taken;
  }
}
