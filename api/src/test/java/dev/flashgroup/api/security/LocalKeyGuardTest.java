package dev.flashgroup.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Outside the dev profile the built-in key stops start-up; a secret of one's own starts anywhere. */
class LocalKeyGuardTest {

  private static final String SECRET = "a-secret-of-our-own-that-is-at-least-32-bytes";

  private final ApplicationContextRunner contexts = new ApplicationContextRunner()
      .withUserConfiguration(Guarded.class);

  @Test
  void refusesToStartWithTheLocalKeyOutsideTheDevProfile() {
    contexts.run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("FLASHGROUP_SECURITY_JWT_SECRET")
          .hasMessageContaining("built-in local key");
    });
  }

  @Test
  void refusesTheLocalKeyInAnotherProfileToo() {
    contexts.withPropertyValues("spring.profiles.active=prod").run(context -> assertThat(context).hasFailed());
  }

  @Test
  void startsWithTheLocalKeyInTheDevProfile() {
    contexts.withPropertyValues("spring.profiles.active=dev")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(LocalKeyGuard.class));
  }

  @Test
  void startsWithARealSecretWithoutAnyProfile() {
    contexts.withPropertyValues("flashgroup.security.jwt-secret=" + SECRET)
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(LocalKeyGuard.class));
  }

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(SecuritySettings.class)
  static class Guarded {
    @Bean
    LocalKeyGuard localKeyGuard(SecuritySettings settings, Environment environment) {
      return new LocalKeyGuard(settings, environment);
    }
  }
}
