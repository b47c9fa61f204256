package dev.flashgroup.engine.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Jackson 3 builds a type's deserializer once and caches it under a {@code ReentrantLock}. When
 * many requests decode a type for the first time at the same instant (twenty scans of one
 * pickup code, a test client reading twenty answers), one of them parks for the few microseconds
 * another holds the lock, on an event loop: BlockHound then fails that request (a 500 on the
 * server, an error in the test's client) although nothing blocks for I/O. Only that one-time
 * cache population is allowed; every other blocking call stays checked.
 *
 * <p>Registered through {@code META-INF/services/reactor.blockhound.integration.BlockHoundIntegration}.
 */
public class JacksonBlockHoundIntegration implements BlockHoundIntegration {

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache", "_createAndCacheValueDeserializer");
  }
}
