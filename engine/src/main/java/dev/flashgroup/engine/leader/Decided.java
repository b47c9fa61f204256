package dev.flashgroup.engine.leader;

/** What came of an admin's approval or rejection. */
public sealed interface Decided {

  /** Approved (with the new leader) or rejected ({@code leader} null). */
  record Done(LeaderApplication application, Leader leader) implements Decided {}

  record NoSuchApplication() implements Decided {}

  /** The application was decided before (by this or another admin); nothing changed. */
  record AlreadyDecided(LeaderApplication.Status status) implements Decided {}

  /** Another leader already runs the point the application names; nothing changed. */
  record PointTaken(long pointId) implements Decided {}
}
