package dev.flashgroup.wechatfake;

import java.util.Map;

/** A notification as WeChat Pay posts it: the JSON body and the Wechatpay-* headers that sign it. */
public record SignedNotification(String body, Map<String, String> headers) {

  public SignedNotification withHeaders(Map<String, String> replaced) {
    var copy = new java.util.LinkedHashMap<>(headers);
    copy.putAll(replaced);
    return new SignedNotification(body, Map.copyOf(copy));
  }

  public SignedNotification withoutHeader(String name) {
    var copy = new java.util.LinkedHashMap<>(headers);
    copy.remove(name);
    return new SignedNotification(body, Map.copyOf(copy));
  }

  public SignedNotification withBody(String replaced) {
    return new SignedNotification(replaced, headers);
  }
}
