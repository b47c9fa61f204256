package dev.flashgroup.api.security;

import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** Who is calling: the token's subject and roles. A merchant's subject is its merchant id. */
public record Caller(String subject, boolean admin) {

  public static Caller of(JwtAuthenticationToken token) {
    boolean admin = token.getAuthorities().stream().anyMatch(a -> "ROLE_ADMIN".equals(a.getAuthority()));
    return new Caller(token.getName(), admin);
  }

  /** Whether the caller may see a resource that belongs to {@code owner}. */
  public boolean owns(String owner) {
    return admin || subject.equals(owner);
  }
}
