package dev.flashgroup.engine.reservation;

/**
 * Who may be credited with a reservation, as the caller's leader directory knows it: the referrer
 * (only when it is an active leader), the leader the buyer is bound to (binding not expired), the
 * leader of the named pickup point. reserve.lua takes the first one given, in that order; each is
 * a token subject or null.
 */
public record Attribution(String referrer, String boundLeader, String pointLeader) {

  public static final Attribution NONE = new Attribution(null, null, null);

  static String arg(String subject) {
    return subject == null ? "" : subject;
  }
}
