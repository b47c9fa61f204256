import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints a bearer token (JWT, HS256) for a local flashgroup instance. JDK only; run it as
 * {@code java scripts/TokenMint.java ROLE SUBJECT [TTL_SECONDS]} (or through scripts/token).
 *
 * <p>The token is the only thing written to stdout; everything else goes to stderr.
 *
 * <p>Key: {@code FLASHGROUP_SECURITY_JWT_SECRET} when set, else the built-in local key, the same
 * one the application falls back to ({@code SecuritySettings.LOCAL_KEY}). Its UTF-8 bytes are the
 * HMAC key.
 */
public final class TokenMint {

  static final String LOCAL_KEY = "flashgroup-local-development-key-change-me-in-production!";
  static final String ISSUER = "flashgroup";
  static final Set<String> ROLES = Set.of("CUSTOMER", "MERCHANT", "ADMIN", "STAFF", "LEADER");
  static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  static final long DEFAULT_TTL = 86_400L;
  static final long MAX_TTL = 10L * 365 * 86_400; // ten years

  private TokenMint() {}

  public static void main(String[] args) {
    if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
      usage();
      System.exit(0);
    }
    if (args.length < 2 || args.length > 3) {
      usage();
      System.exit(2);
    }

    String role = args[0].toUpperCase(Locale.ROOT);
    if (!ROLES.contains(role)) {
      fail("ROLE must be one of CUSTOMER, MERCHANT, ADMIN, STAFF, LEADER (got '" + args[0] + "')");
    }
    String subject = args[1];
    if (!SUBJECT.matcher(subject).matches()) {
      fail("SUBJECT must be 1-64 characters of [A-Za-z0-9._:-] (got '" + subject + "')");
    }
    long ttl = DEFAULT_TTL;
    if (args.length == 3) {
      try {
        ttl = Long.parseLong(args[2]);
      } catch (NumberFormatException e) {
        fail("TTL_SECONDS must be a whole number of seconds (got '" + args[2] + "')");
      }
      if (ttl < 1 || ttl > MAX_TTL) {
        fail("TTL_SECONDS must be between 1 and " + MAX_TTL + " (got " + ttl + ")");
      }
    }

    String secret = System.getenv("FLASHGROUP_SECURITY_JWT_SECRET");
    if (secret == null || secret.isEmpty()) {
      secret = LOCAL_KEY;
      System.err.println("token: signing with the built-in LOCAL key (set FLASHGROUP_SECURITY_JWT_SECRET"
          + " to match a server that uses another key)");
    } else {
      System.err.println("token: signing with FLASHGROUP_SECURITY_JWT_SECRET");
    }
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    if (key.length < 32) {
      fail("FLASHGROUP_SECURITY_JWT_SECRET must be at least 32 bytes (the server rejects shorter keys)");
    }

    // FLASHGROUP_TOKEN_COUNT=N mints N tokens, for SUBJECT-1 .. SUBJECT-N, one a line (load tests, drills).
    int count = 1;
    String many = System.getenv("FLASHGROUP_TOKEN_COUNT");
    if (many != null && !many.isEmpty()) {
      try {
        count = Integer.parseInt(many);
      } catch (NumberFormatException e) {
        fail("FLASHGROUP_TOKEN_COUNT must be a whole number (got '" + many + "')");
      }
      if (count < 1 || count > 1_000_000) {
        fail("FLASHGROUP_TOKEN_COUNT must be between 1 and 1000000");
      }
    }
    long iat = System.currentTimeMillis() / 1000L;
    long exp = iat + ttl;
    if (count == 1) {
      System.err.println("token: role " + role + ", subject " + subject + ", valid " + ttl + " s (until "
          + java.time.Instant.ofEpochSecond(exp) + ")");
      System.out.println(sign(key, role, subject, iat, exp));
      return;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 1; i <= count; i++) {
      out.append(sign(key, role, subject + "-" + i, iat, exp)).append('\n');
    }
    System.err.println("token: " + count + " tokens, role " + role + ", subjects " + subject + "-1.." + subject + "-"
        + count);
    System.out.print(out);
  }

  private static String sign(byte[] key, String role, String subject, long iat, long exp) {
    // SUBJECT and ROLE are validated above, so they need no JSON escaping.
    String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    String payload = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + subject + "\",\"roles\":[\"" + role
        + "\"],\"iat\":" + iat + ",\"exp\":" + exp + "}";
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      fail("cannot compute HMAC-SHA256: " + e);
      return "";
    }
  }

  private static void usage() {
    System.err.println("""
        usage: java scripts/TokenMint.java ROLE SUBJECT [TTL_SECONDS]
          ROLE         CUSTOMER | MERCHANT | ADMIN | STAFF | LEADER (STAFF acts for the pickup points its subject is bound to; LEADER sees its own leader data)
          SUBJECT      1-64 characters of [A-Za-z0-9._:-], e.g. alice or shop-1
          TTL_SECONDS  lifetime, default 86400
        Signs with FLASHGROUP_SECURITY_JWT_SECRET, or the built-in local key when unset.
        Prints the token on stdout.""");
  }

  private static void fail(String message) {
    System.err.println("token: " + message);
    System.exit(2);
  }
}
