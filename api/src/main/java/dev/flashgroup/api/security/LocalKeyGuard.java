package dev.flashgroup.api.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * The built-in JWT key is printed in this repository, so anyone could mint tokens with it: only a
 * {@code dev} profile (scripts/run, the load tests, the drill, the test suite) may start with it.
 * Anywhere else start-up fails, so an image or a jar deployed without FLASHGROUP_SECURITY_JWT_SECRET
 * never serves buyers. Runs while the context is refreshed, before the server listens.
 */
@Component
class LocalKeyGuard implements InitializingBean {

  static final String DEV_PROFILE = "dev";

  private static final Logger log = LoggerFactory.getLogger(LocalKeyGuard.class);

  private final SecuritySettings settings;
  private final Environment environment;

  LocalKeyGuard(SecuritySettings settings, Environment environment) {
    this.settings = settings;
    this.environment = environment;
  }

  @Override
  public void afterPropertiesSet() {
    if (!settings.usesLocalKey()) {
      return;
    }
    if (!environment.acceptsProfiles(Profiles.of(DEV_PROFILE))) {
      throw new IllegalStateException("flashgroup would sign tokens with the built-in local key, which anyone"
          + " can read in its sources: set FLASHGROUP_SECURITY_JWT_SECRET (32+ bytes) to a secret of your own,"
          + " or run with the '" + DEV_PROFILE + "' profile (SPRING_PROFILES_ACTIVE=" + DEV_PROFILE
          + ") on a machine of your own");
    }
    log.warn("""

        ************************************************************************
        flashgroup is signing tokens with the BUILT-IN LOCAL KEY (profile dev).
        Anyone can mint tokens for this instance. Set FLASHGROUP_SECURITY_JWT_SECRET
        (32+ bytes) before this instance serves real buyers.
        ************************************************************************""");
  }
}
