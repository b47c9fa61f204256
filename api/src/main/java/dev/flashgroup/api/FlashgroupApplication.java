package dev.flashgroup.api;

import dev.flashgroup.engine.EngineConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** API and workers in one process; each side can be switched off by configuration. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(EngineConfiguration.class)
public class FlashgroupApplication {

  public static void main(String[] args) {
    SpringApplication.run(FlashgroupApplication.class, args);
  }
}
