package dev.flashgroup.wechatfake;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * The mini-program side of WeChat: an access token, jscode2session and subscribe messages (sent
 * only with an access token this stand-in issued). A code names its buyer:
 * "alice.1", "alice.2", ... all log in as alice, each code once (like WeChat's, a code is single-use).
 * WeChat answers errors with HTTP 200 and an errcode, and so does this.
 */
final class MiniProgram {

  private final String appId;
  private final String appSecret;
  private final Map<String, Boolean> usedCodes = new ConcurrentHashMap<>();
  private final Set<String> accessTokens = ConcurrentHashMap.newKeySet();
  private final List<SubscribeMessage> subscribeMessages = new CopyOnWriteArrayList<>();
  private final AtomicInteger failSubscribeMessages = new AtomicInteger();

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

  /**
   * POST /cgi-bin/message/subscribe/send?access_token=...: as WeChat, 40001 for a token it did not
   * issue, 47003 for a missing touser, template_id or data; else the message is recorded.
   */
  Map<String, Object> subscribeSend(Map<String, String> query, JsonNode body) {
    if (!accessTokens.contains(query.getOrDefault("access_token", ""))) {
      return Map.of("errcode", 40001, "errmsg", "invalid credential, access_token is invalid or not latest");
    }
    String toUser = text(body, "touser");
    String templateId = text(body, "template_id");
    JsonNode data = body.get("data");
    if (toUser.isEmpty() || templateId.isEmpty() || data == null || !data.isObject()) {
      return Map.of("errcode", 47003, "errmsg", "argument invalid!");
    }
    if (failSubscribeMessages.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return Map.of("errcode", 45009, "errmsg", "reach max api daily quota limit");
    }
    Map<String, String> values = new LinkedHashMap<>();
    data.properties().forEach(e -> values.put(e.getKey(), text(e.getValue(), "value")));
    subscribeMessages.add(new SubscribeMessage(toUser, templateId, text(body, "page"),
        text(body, "miniprogram_state"), Map.copyOf(values)));
    return Map.of("errcode", 0, "errmsg", "ok");
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() ? "" : value.asString();
  }

  /** The next {@code count} subscribe messages are refused (errcode 45009) before anything is recorded. */
  void failNextSubscribeMessages(int count) {
    failSubscribeMessages.set(count);
  }

  List<SubscribeMessage> subscribeMessages() {
    return List.copyOf(subscribeMessages);
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
