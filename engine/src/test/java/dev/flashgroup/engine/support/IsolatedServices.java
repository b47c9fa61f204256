package dev.flashgroup.engine.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives the annotated test class's application context its own MySQL database, Redis namespace and
 * RabbitMQ names ({@link Isolation}), removed when the context closes. A test's own
 * {@code @DynamicPropertySource} values still win.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
public @interface IsolatedServices {}
