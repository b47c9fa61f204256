package dev.flashgroup.api;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.flashgroup.api.security.SecuritySettings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Bearer tokens signed like scripts/token signs them. */
final class Tokens {

  private Tokens() {}

  static String of(String role, String subject) {
    return sign(role, subject, SecuritySettings.LOCAL_KEY, Instant.now().plusSeconds(3600));
  }

  static String sign(String role, String subject, String key, Instant expiry) {
    try {
      var claims = new JWTClaimsSet.Builder().issuer("flashgroup").subject(subject).claim("roles", List.of(role))
          .issueTime(new Date()).expirationTime(Date.from(expiry)).build();
      var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
      jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
