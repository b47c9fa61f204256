package dev.flashgroup.engine.leader;

/** POINT: runs a pickup point (and acts for it as staff); COMMUNITY: runs a virtual community (a WeChat group). */
public enum LeaderKind {
  POINT,
  COMMUNITY
}
