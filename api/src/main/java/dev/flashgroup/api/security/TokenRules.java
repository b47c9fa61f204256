package dev.flashgroup.api.security;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidators;

/**
 * What a token must say before anything trusts it. Spring's defaults check {@code exp} only when
 * it is present and look at no other claim, so a token without {@code sub} would act as the empty
 * subject (and own activities), one without {@code exp} would never expire, and a {@code roles}
 * list holding {@code null} would fail later on every request. The subject is what reaches Redis
 * keys and MySQL's 64-character id columns, hence its alphabet and length (the same rule
 * {@code scripts/token} applies).
 */
final class TokenRules implements OAuth2TokenValidator<Jwt> {

  static final String ISSUER = "flashgroup";
  static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  static final Set<String> ROLES = Set.of("CUSTOMER", "MERCHANT", "ADMIN", "STAFF", "LEADER");

  private TokenRules() {}

  /** Spring's timestamp and issuer checks, then ours. */
  static OAuth2TokenValidator<Jwt> all() {
    return new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(ISSUER), new TokenRules());
  }

  @Override
  public OAuth2TokenValidatorResult validate(Jwt jwt) {
    if (jwt.getExpiresAt() == null) {
      return refused("the token has no exp");
    }
    String subject = jwt.getSubject();
    if (subject == null || !SUBJECT.matcher(subject).matches()) {
      return refused("the token's sub must be 1-64 characters of [A-Za-z0-9._:-]");
    }
    if (!(jwt.getClaims().get("roles") instanceof List<?> roles) || roles.isEmpty()
        || !roles.stream().allMatch(role -> role instanceof String name && ROLES.contains(name))) {
      return refused("the token's roles must be a non-empty list of CUSTOMER, MERCHANT, ADMIN, STAFF, LEADER");
    }
    return OAuth2TokenValidatorResult.success();
  }

  private static OAuth2TokenValidatorResult refused(String why) {
    return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, why, null));
  }
}
