package dev.flashgroup.engine.support;

import java.util.List;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/** Applies {@link IsolatedServices}; registered in META-INF/spring.factories. */
public class IsolationContextCustomizerFactory implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> attributes) {
    return TestContextAnnotationUtils.hasAnnotation(testClass, IsolatedServices.class)
        ? new IsolationCustomizer(testClass) : null;
  }

  /** One per test class, so no two classes share a context, a database or a namespace. */
  private record IsolationCustomizer(Class<?> testClass) implements ContextCustomizer {

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
      Isolation isolation = new Isolation();
      MutablePropertySources sources = context.getEnvironment().getPropertySources();
      // Above application.yml, below system properties and a test's @DynamicPropertySource.
      var own = new MapPropertySource("flashgroup-test-isolation", isolation.properties());
      if (sources.contains(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
        sources.addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, own);
      } else {
        sources.addFirst(own);
      }
      // Registered before any bean exists, so destroyed after every one of them: the database, keys
      // and queues go once the workers, the relay and the connection pools have stopped, not while
      // they still run (a projector then retried against a dropped database as the context closed).
      var beans = (DefaultSingletonBeanRegistry) context.getBeanFactory();
      beans.registerDisposableBean("flashgroupTestIsolation", isolation::removeQuietly);
    }
  }
}
