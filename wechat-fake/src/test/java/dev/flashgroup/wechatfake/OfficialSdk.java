package dev.flashgroup.wechatfake;

import com.wechat.pay.java.core.RSAPublicKeyConfig;
import com.wechat.pay.java.core.http.DefaultHttpClientBuilder;
import com.wechat.pay.java.core.http.HttpClient;
import com.wechat.pay.java.core.notification.NotificationParser;
import com.wechat.pay.java.service.payments.jsapi.JsapiService;
import com.wechat.pay.java.service.refund.RefundService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * Tencent's official WeChat Pay SDK (wechatpay-java, public-key mode) set up against a stand-in: an
 * OkHttp interceptor sends what the SDK addresses to api.mch.weixin.qq.com over plain HTTP to the
 * stand-in's port (the signed message holds only the path, so nothing else changes), and keeps every
 * answer exactly as it came, header spelling included, for the format checks the SDK does not make.
 */
final class OfficialSdk {

  /** One answer as the SDK received it. Header names keep their spelling; OkHttp's lookups would not. */
  record Answer(int status, List<Map.Entry<String, String>> headers, String body) {

    List<String> headerNames() {
      return headers.stream().map(Map.Entry::getKey).toList();
    }
  }

  final RSAPublicKeyConfig config;
  final JsapiService jsapi;
  final RefundService refunds;
  final NotificationParser notifications;
  private final List<Answer> answers = new ArrayList<>();

  OfficialSdk(FakeWechat wechat) {
    Map<String, String> s = wechat.appSettings();
    config = new RSAPublicKeyConfig.Builder()
        .merchantId(s.get("flashgroup.wechat.mch-id"))
        .privateKey(s.get("flashgroup.wechat.private-key"))
        .merchantSerialNumber(s.get("flashgroup.wechat.merchant-serial-no"))
        .publicKey(s.get("flashgroup.wechat.public-key"))
        .publicKeyId(s.get("flashgroup.wechat.public-key-id"))
        .apiV3Key(s.get("flashgroup.wechat.api-v3-key"))
        .build();
    int port = wechat.port();
    OkHttpClient routed = new OkHttpClient.Builder().addInterceptor(chain -> {
      HttpUrl to = chain.request().url().newBuilder().scheme("http").host("127.0.0.1").port(port).build();
      Response response = chain.proceed(chain.request().newBuilder().url(to).build());
      record(response);
      return response;
    }).build();
    HttpClient http = new DefaultHttpClientBuilder().config(config).okHttpClient(routed).build();
    jsapi = new JsapiService.Builder().httpClient(http).build();
    refunds = new RefundService.Builder().httpClient(http).build();
    notifications = new NotificationParser(config);
  }

  String mchId() {
    return config.createCredential().getMerchantId();
  }

  private synchronized void record(Response response) throws java.io.IOException {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (int i = 0; i < response.headers().size(); i++) {
      headers.add(Map.entry(response.headers().name(i), response.headers().value(i)));
    }
    answers.add(new Answer(response.code(), List.copyOf(headers), response.peekBody(Long.MAX_VALUE).string()));
  }

  /** The last answer the stand-in gave. */
  synchronized Answer lastAnswer() {
    return answers.get(answers.size() - 1);
  }
}
