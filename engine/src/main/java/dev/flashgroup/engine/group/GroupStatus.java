package dev.flashgroup.engine.group;

/** OPEN → SUCCEEDED | FAILED; a settled group never changes again. */
public enum GroupStatus {
  OPEN, SUCCEEDED, FAILED
}
