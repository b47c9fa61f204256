package dev.flashgroup.engine.keys;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where flashgroup's keys live in Redis.
 *
 * @param namespace prefix of every key, so tests and tenants can share one server
 */
@ConfigurationProperties("flashgroup.redis")
public record KeySettings(@DefaultValue("fg") String namespace) {

  public KeySettings {
    if (namespace == null || namespace.isBlank() || namespace.contains("{") || namespace.contains("}")) {
      throw new IllegalArgumentException("flashgroup.redis.namespace must be non-blank and free of braces");
    }
  }
}
