package dev.flashgroup.engine.leader;

/** What came of an admin's suspension of a leader. */
public sealed interface Suspended {

  record Done(Leader leader) implements Suspended {}

  record NoSuchLeader() implements Suspended {}

  /** Suspended before; nothing changed (the first reason stays). */
  record AlreadySuspended(Leader leader) implements Suspended {}
}
