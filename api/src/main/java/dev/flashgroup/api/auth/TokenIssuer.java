package dev.flashgroup.api.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.flashgroup.api.security.SecuritySettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.springframework.stereotype.Component;

/** Signs our bearer tokens with the same HS256 key the API verifies them with. */
@Component
public class TokenIssuer {

  private final MACSigner signer;
  private final AuthSettings settings;
  private final Clock clock;

  TokenIssuer(SecuritySettings security, AuthSettings settings, Clock clock) throws JOSEException {
    this.signer = new MACSigner(security.jwtSecret().getBytes(StandardCharsets.UTF_8));
    this.settings = settings;
    this.clock = clock;
  }

  public record Issued(String token, Instant expiresAt) {}

  /** A buyer's token: CUSTOMER, and LEADER too for a buyer who leads (approved, not suspended). */
  public Issued buyer(String subject, boolean leads) {
    Instant now = clock.instant();
    Instant expiry = now.plus(settings.tokenTtl());
    List<String> roles = leads ? List.of("CUSTOMER", "LEADER") : List.of("CUSTOMER");
    var claims = new JWTClaimsSet.Builder().issuer("flashgroup").subject(subject).claim("roles", roles)
        .issueTime(Date.from(now)).expirationTime(Date.from(expiry)).build();
    var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
    return new Issued(jwt.serialize(), expiry);
  }
}
