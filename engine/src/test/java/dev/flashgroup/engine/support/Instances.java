package dev.flashgroup.engine.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Several engine instances on one test's services (its {@link Isolation}: one database,
 * namespace and broker names), each with its own relay consumer name, as a deployment of several
 * instances runs them (docs/cluster.md, "Several instances").
 */
public final class Instances implements AutoCloseable {

  private final Isolation isolation = new Isolation();
  private final List<ConfigurableApplicationContext> running = new ArrayList<>();

  /** Starts one instance per name, one after another. */
  public Instances(String... names) {
    for (String name : names) {
      Map<String, Object> properties = new HashMap<>(isolation.properties());
      properties.put("flashgroup.relay.consumer-name", name);
      running.add(new SpringApplicationBuilder(TestEngineApplication.class)
          .web(WebApplicationType.NONE).properties(properties).run());
    }
  }

  public ConfigurableApplicationContext get(int index) {
    return running.get(index);
  }

  public <T> List<T> beans(Class<T> type) {
    return running.stream().map(c -> c.getBean(type)).toList();
  }

  public Isolation isolation() {
    return isolation;
  }

  /** Stops every instance and removes the test's database, keys and queues. */
  @Override
  public void close() throws Exception {
    running.forEach(ConfigurableApplicationContext::close);
    isolation.removeAll();
  }
}
