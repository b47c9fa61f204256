package dev.flashgroup.engine.timer;

import dev.flashgroup.engine.kernel.ActivityId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where this instance's own code tells a sweeper that an activity may have a timer it does not know
 * yet. A sweeper sleeps until the earliest due time it knows of; a noticed activity is looked at
 * again at its next round, which a notice brings forward to within the sweeper's interval. In memory
 * only: no Redis round trip is added to the path that noticed. Timers made through other instances
 * are found by the sweeper's periodic rescan, and by those instances' own sweepers.
 *
 * <p>Each sweeper has its own {@link Inbox}, so two sweepers in one process (a test's) both hear
 * every notice.
 */
public abstract class DueNotices {

  private final List<Inbox> inboxes = new CopyOnWriteArrayList<>();

  /** The activity may now have a timer earlier than the sweepers know. Cheap: a set add per sweeper. */
  protected final void notice(ActivityId activity) {
    for (Inbox inbox : inboxes) {
      inbox.add(activity);
    }
  }

  Inbox subscribe(Runnable wakeUp) {
    Inbox inbox = new Inbox(wakeUp);
    inboxes.add(inbox);
    return inbox;
  }

  void unsubscribe(Inbox inbox) {
    inboxes.remove(inbox);
  }

  /** One sweeper's noticed activities; bounded by the number of warm activities. */
  static final class Inbox {

    private final Set<ActivityId> noticed = ConcurrentHashMap.newKeySet();
    private final Runnable wakeUp;

    private Inbox(Runnable wakeUp) {
      this.wakeUp = wakeUp;
    }

    private void add(ActivityId activity) {
      if (noticed.add(activity)) {
        wakeUp.run();
      }
    }

    /** The activities noticed since the last call. */
    List<ActivityId> take() {
      List<ActivityId> taken = new ArrayList<>(noticed);
      noticed.removeAll(taken);
      return taken;
    }
  }
}
