package dev.flashgroup.engine.reservation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Local knowledge that an activity is sold out.
 *
 * @param enabled whether an instance answers SOLD_OUT itself once Redis said so
 * @param ttl how long such knowledge lasts without news; the safety net for a restock message
 *     lost while the subscription was down, so a wrong refusal can never last longer than this
 */
@ConfigurationProperties("flashgroup.sold-out")
public record SoldOutSettings(@DefaultValue("true") boolean enabled, @DefaultValue("PT1S") Duration ttl) {}
