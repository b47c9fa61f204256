package dev.flashgroup.wechatfake;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One answer of the pay API: a status and a JSON body (none for 204). Refusals carry WeChat's
 * {@code code} and {@code message}, and a {@code detail} object where WeChat sends one.
 */
record Answer(int status, Map<String, Object> body) {

  static Answer ok(Map<String, Object> body) {
    return new Answer(200, body);
  }

  static Answer noContent() {
    return new Answer(204, null);
  }

  static Answer refused(int status, String code, String message) {
    return refused(status, code, message, null);
  }

  static Answer refused(int status, String code, String message, Map<String, Object> detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", code);
    body.put("message", message);
    if (detail != null) {
      body.put("detail", detail);
    }
    return new Answer(status, body);
  }

  /**
   * 400 PARAM_ERROR naming the field, as WeChat answers a request that breaks a documented rule:
   * {@code detail: {field, value, issue, location}}; {@code value} only when there was one.
   */
  static Answer badField(String field, Object value, String issue, String location) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("field", field);
    if (value != null) {
      detail.put("value", value);
    }
    detail.put("issue", issue);
    detail.put("location", location);
    return refused(400, "PARAM_ERROR", "参数错误: " + issue, detail);
  }
}
