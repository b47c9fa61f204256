package dev.flashgroup.engine.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Lettuce 7 guards each connection's writers with a {@code ReentrantLock} ({@code SharedLock}),
 * held for a few instructions. Two threads writing at the same moment can make one of them park
 * briefly, also on an event loop; BlockHound then throws from inside the lock's queue and leaves
 * it broken, after which every command on that connection hangs. That brief park is Lettuce's
 * design, not ours, so it is allowed here; everything else stays checked.
 *
 * <p>Registered through {@code META-INF/services/reactor.blockhound.integration.BlockHoundIntegration}.
 */
public class LettuceBlockHoundIntegration implements BlockHoundIntegration {

  private static final String SHARED_LOCK = "io.lettuce.core.protocol.SharedLock";

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside(SHARED_LOCK, "incrementWriters");
    builder.allowBlockingCallsInside(SHARED_LOCK, "lockWritersExclusive");
    builder.allowBlockingCallsInside(SHARED_LOCK, "doExclusive");
  }
}
