package dev.flashgroup.engine.leader;

/** What came of a buyer's application. */
public sealed interface Applied {

  record Submitted(LeaderApplication application) implements Applied {}

  /** The buyer already has a PENDING application. */
  record ApplicationExists() implements Applied {}

  /** The buyer already is a leader (active or suspended). */
  record AlreadyLeader() implements Applied {}

  /** No active pickup point has the id the POINT application names. */
  record UnknownPoint(long pointId) implements Applied {}
}
