package dev.flashgroup.api.security;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Bearer JWTs (HMAC) with a {@code roles} claim: CUSTOMER, MERCHANT, ADMIN, STAFF, LEADER. A STAFF
 * token acts only for the pickup points its subject is bound to; the handlers that act for a point
 * check the binding. A LEADER token sees only its own subject's leader data.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

  @Bean
  SecurityWebFilterChain securityFilterChain(ServerHttpSecurity http, ProblemResponses problems) {
    return http
        .csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        // Stateless: the token is the whole context. The session-backed defaults create a
        // WebSession on every request, and creating one hops to boundedElastic and back to
        // parallel (InMemoryWebSessionStore), two thread hand-offs on the hot path.
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
        .authorizeExchange(auth -> auth
            // Metrics name exception classes, URIs and the JVM's build: ADMIN only (the rule below).
            .pathMatchers("/actuator/health/**", "/v3/api-docs/**", "/swagger-ui/**",
                "/swagger-ui.html", "/webjars/**").permitAll()
            // The reservation paths are the hot ones: matchers are tried in order, one after the other,
            // so they come right after the probes. None of the rules before or after overlaps them.
            .pathMatchers(HttpMethod.POST, "/api/v1/activities/*/groups", "/api/v1/activities/*/groups/match",
                "/api/v1/activities/*/orders",
                "/api/v1/groups/*/members", "/api/v1/orders/*/payment", "/api/v1/orders/*/claims").hasRole("CUSTOMER")
            // Posters are share images: WeChat fetches them without a token.
            .pathMatchers(HttpMethod.GET, "/api/v1/groups/*/poster.png", "/api/v1/activities/*/poster.png").permitAll()
            // WeChat calls these without a token; the handlers check WeChat's signatures instead.
            .pathMatchers(HttpMethod.POST, "/api/v1/payments/wechat/notify", "/api/v1/payments/wechat/refund-notify",
                "/api/v1/auth/wechat").permitAll()
            // A point's staff scans pickup codes; the handler checks the token acts for that point.
            .pathMatchers(HttpMethod.POST, "/api/v1/pickup-points/*/verifications").hasAnyRole("STAFF", "ADMIN")
            .pathMatchers(HttpMethod.POST, "/api/v1/leader-applications").hasRole("CUSTOMER")
            .pathMatchers("/api/v1/leader/**").hasRole("LEADER")
            .pathMatchers("/api/v1/merchant/**").hasAnyRole("MERCHANT", "ADMIN")
            .pathMatchers("/api/v1/admin/**").hasRole("ADMIN")
            .pathMatchers("/api/v1/**").authenticated()
            .pathMatchers("/actuator/**").hasRole("ADMIN")
            // The operator console's page and assets hold no data; its API calls carry the token.
            .pathMatchers(HttpMethod.GET, "/console", "/console/**").permitAll()
            .anyExchange().denyAll())
        .oauth2ResourceServer(rs -> rs
            .jwt(jwt -> jwt.jwtAuthenticationConverter(SecurityConfig::authentication))
            .authenticationEntryPoint(problems)
            .accessDeniedHandler(problems))
        .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .build();
  }

  @Bean
  ReactiveJwtDecoder jwtDecoder(SecuritySettings settings) {
    var key = new SecretKeySpec(settings.jwtSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    NimbusReactiveJwtDecoder verifier = NimbusReactiveJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256)
        .build();
    verifier.setJwtValidator(TokenRules.all());
    return new CachingJwtDecoder(verifier, Clock.systemUTC(), settings.tokenCacheSize());
  }

  /**
   * Authorities per distinct roles claim: every request converts its (cached) token, and
   * {@code getClaimAsStringList} goes through a ConversionService each time. Tokens carry one of a
   * handful of role sets; the map stays small (bounded anyway).
   */
  private static final Map<Object, List<GrantedAuthority>> AUTHORITIES = new ConcurrentHashMap<>();

  private static Mono<AbstractAuthenticationToken> authentication(Jwt jwt) {
    return Mono.just(new JwtAuthenticationToken(jwt, authorities(jwt), jwt.getSubject()));
  }

  private static List<GrantedAuthority> authorities(Jwt jwt) {
    Object claim = jwt.getClaims().get("roles");
    if (claim == null) {
      return List.of();
    }
    List<GrantedAuthority> known = AUTHORITIES.get(claim);
    if (known != null) {
      return known;
    }
    List<String> roles = jwt.getClaimAsStringList("roles");
    List<GrantedAuthority> authorities = roles == null ? List.of()
        : roles.stream().map(r -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + r)).toList();
    if (claim instanceof List && AUTHORITIES.size() < 64) {
      AUTHORITIES.put(List.copyOf((List<?>) claim), authorities);
    }
    return authorities;
  }
}
