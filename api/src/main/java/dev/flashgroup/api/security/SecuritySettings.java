package dev.flashgroup.api.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param jwtSecret HMAC-SHA256 key of the bearer tokens, at least 32 bytes; set
 *     {@code FLASHGROUP_SECURITY_JWT_SECRET} in every real deployment
 * @param tokenCacheSize most verified tokens remembered at once (about 1.5 KB each; 1 to 1,000,000)
 */
@ConfigurationProperties("flashgroup.security")
public record SecuritySettings(
    @DefaultValue(SecuritySettings.LOCAL_KEY) String jwtSecret,
    @DefaultValue("20000") int tokenCacheSize) {

  /** Known to everyone who reads this file: for local runs only. scripts/token signs with it too. */
  public static final String LOCAL_KEY = "flashgroup-local-development-key-change-me-in-production!";

  public SecuritySettings {
    if (jwtSecret == null || jwtSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
      throw new IllegalArgumentException("flashgroup.security.jwt-secret must be at least 32 bytes");
    }
    if (tokenCacheSize < 1 || tokenCacheSize > 1_000_000) {
      throw new IllegalArgumentException("flashgroup.security.token-cache-size must be 1 to 1,000,000");
    }
  }

  public boolean usesLocalKey() {
    return LOCAL_KEY.equals(jwtSecret);
  }
}
