package dev.flashgroup.engine.support;

import dev.flashgroup.engine.EngineConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The engine alone, with Boot's auto-configuration, for integration tests. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(EngineConfiguration.class)
public class TestEngineApplication {

  @Bean
  MeterRegistry meterRegistry() {
    return new SimpleMeterRegistry();
  }
}
