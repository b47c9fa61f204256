package dev.flashgroup.engine.payment;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param gateway which {@link PaymentGateway} adapter runs: {@code sandbox} (local runs, demos, load tests)
 * @param sandboxConfirms whether the sandbox confirms a payment as soon as it is started; switch
 *     off to model buyers who open the payment sheet and walk away
 */
@ConfigurationProperties("flashgroup.payment")
public record PaymentSettings(
    @DefaultValue("sandbox") String gateway,
    @DefaultValue("true") boolean sandboxConfirms) {}
