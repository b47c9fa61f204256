package dev.flashgroup.api.auth;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** @param tokenTtl how long a token issued at login is valid */
@ConfigurationProperties("flashgroup.auth")
record AuthSettings(@DefaultValue("PT2H") Duration tokenTtl) {}
