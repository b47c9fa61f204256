package dev.flashgroup.engine.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Lettuce 7 guards each connection's writers with a {@code ReentrantLock} ({@code SharedLock}),
 * and Spring Data Redis guards the shared connection with another ({@code doInLock}); both are
 * held for a few instructions. Two threads reaching one at the same moment can make one of them
 * park briefly, also on an event loop; BlockHound then throws from inside the lock's wait queue and
 * leaves the lock broken, after which every Redis command of the application hangs. Those brief
 * parks are the libraries' design, not ours, so they are allowed here; everything else stays
 * checked. Netty 4.2's {@code AdaptivePoolingAllocator} is the same: a buffer that grows while
 * two event loops allocate may make one of them wait briefly on a magazine's {@code StampedLock}
 * when the group of magazines expands (seen with many writes on the dedicated WAIT connections).
 *
 * <p>Registered through {@code META-INF/services/reactor.blockhound.integration.BlockHoundIntegration}.
 */
public class LettuceBlockHoundIntegration implements BlockHoundIntegration {

  private static final String SHARED_LOCK = "io.lettuce.core.protocol.SharedLock";
  private static final String CONNECTION_FACTORY =
      "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory";

  private static final String NETTY_MAGAZINES = "io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup";

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside(SHARED_LOCK, "incrementWriters");
    builder.allowBlockingCallsInside(SHARED_LOCK, "lockWritersExclusive");
    builder.allowBlockingCallsInside(SHARED_LOCK, "doExclusive");
    builder.allowBlockingCallsInside(CONNECTION_FACTORY, "doInLock");
    builder.allowBlockingCallsInside(NETTY_MAGAZINES, "tryExpandMagazines");
  }
}
