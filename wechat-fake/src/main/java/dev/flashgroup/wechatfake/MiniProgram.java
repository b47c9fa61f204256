package dev.flashgroup.wechatfake;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mini-program side of WeChat: an access token and jscode2session. A code names its buyer:
 * "alice.1", "alice.2", ... all log in as alice, each code once (like WeChat's, a code is single-use).
 * WeChat answers errors with HTTP 200 and an errcode, and so does this.
 */
final class MiniProgram {

  private final String appId;
  private final String appSecret;
  private final Map<String, Boolean> usedCodes = new ConcurrentHashMap<>();
  private final Set<String> accessTokens = ConcurrentHashMap.newKeySet();

  MiniProgram(String appId, String appSecret) {
    this.appId = appId;
    this.appSecret = appSecret;
  }

  Map<String, Object> answer(String path, Map<String, String> query) {
    if (!appId.equals(query.get("appid"))) {
      return Map.of("errcode", 40013, "errmsg", "invalid appid");
    }
    if (!appSecret.equals(query.get("secret"))) {
      return Map.of("errcode", 40125, "errmsg", "invalid appsecret");
    }
    if (path.equals("/cgi-bin/token")) {
      String token = "fake-" + WechatKeys.random(32);
      accessTokens.add(token);
      return Map.of("access_token", token, "expires_in", 7200);
    }
    if (!path.equals("/sns/jscode2session")) {
      return Map.of("errcode", 40066, "errmsg", "invalid url");
    }
    String code = query.getOrDefault("js_code", "");
    int dot = code.indexOf('.');
    if (dot <= 0) {
      return Map.of("errcode", 40029, "errmsg", "invalid code");
    }
    if (usedCodes.putIfAbsent(code, Boolean.TRUE) != null) {
      return Map.of("errcode", 40163, "errmsg", "code been used");
    }
    String who = code.substring(0, dot);
    return Map.of("openid", "o-" + who, "unionid", "u-" + who, "session_key", WechatKeys.random(24));
  }

  /** Every access token handed out: credentials that must never show up in the merchant's logs. */
  Set<String> accessTokens() {
    return Set.copyOf(accessTokens);
  }

  static Map<String, String> query(URI uri) {
    Map<String, String> q = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          q.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
      }
    }
    return q;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
