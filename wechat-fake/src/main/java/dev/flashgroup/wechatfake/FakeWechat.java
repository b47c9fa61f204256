package dev.flashgroup.wechatfake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local WeChat: WeChat Pay API v3 (JSAPI prepay, query, close, refund, refund query) and the
 * mini-program's jscode2session, speaking the real protocol. It checks the merchant's request
 * signatures, signs every answer with its platform key, encrypts and signs its notifications, and
 * plays a buyer who pays as soon as a prepay exists. Tests steer it through the methods below.
 */
public final class FakeWechat implements AutoCloseable {

  /** A made-up name under WeChat Pay's domain: WxJava signs and verifies only for such hosts. */
  public static final String PAY_HOST = "api.flashgroup-fake.mch.weixin.qq.com";

  private static final System.Logger log = System.getLogger(FakeWechat.class.getName());
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  private final WechatKeys keys = WechatKeys.generate();
  private final String mchId = "1900" + WechatKeys.digits(6);
  private final String appId = "wx" + WechatKeys.random(16).toLowerCase();
  private final String appSecret = WechatKeys.random(32);
  private final JsonMapper json = JsonMapper.builder().build();
  private final HttpServer server;
  private final ScheduledExecutorService buyer = Executors.newScheduledThreadPool(2, daemon("fake-wechat-buyer"));
  private final Notifier notifier = new Notifier(buyer);
  private final Map<String, Trade> trades = new ConcurrentHashMap<>();
  private final Map<String, Refund> refunds = new ConcurrentHashMap<>();
  private final MiniProgram miniProgram = new MiniProgram(appId, appSecret);
  private final AtomicInteger rejectedRequests = new AtomicInteger();
  private final AtomicInteger failingRefunds = new AtomicInteger();
  private volatile boolean buyersPay = true;
  private volatile boolean notificationsLost;
  private volatile boolean refundsAbnormal;
  private volatile boolean refundQueriesFail;
  private volatile long paidAmountOffset;
  private volatile boolean answersForged;
  private volatile Duration payDelay = Duration.ofMillis(150);

  private FakeWechat(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(4, daemon("fake-wechat-http")));
    server.start();
  }

  /** Starts on the given port (0: any free one). */
  public static FakeWechat start(int port) {
    try {
      return new FakeWechat(port);
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on port " + port, e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * The application's settings for talking to this stand-in, as flashgroup.wechat.* properties:
   * merchant and app ids, keys and the host names.
   */
  public Map<String, String> appSettings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("flashgroup.wechat.mch-id", mchId);
    s.put("flashgroup.wechat.app-id", appId);
    s.put("flashgroup.wechat.app-secret", appSecret);
    s.put("flashgroup.wechat.api-v3-key", keys.apiV3Key);
    s.put("flashgroup.wechat.merchant-serial-no", keys.merchantSerialNo);
    s.put("flashgroup.wechat.private-key", keys.merchantPrivateKeyPem());
    s.put("flashgroup.wechat.public-key-id", keys.publicKeyId);
    s.put("flashgroup.wechat.public-key", keys.platformPublicKeyPem());
    s.put("flashgroup.wechat.pay-host", "http://" + PAY_HOST + ":" + port());
    s.put("flashgroup.wechat.pay-host-address", "127.0.0.1");
    s.put("flashgroup.wechat.mini-program-host", "http://127.0.0.1:" + port());
    return s;
  }

  // ---- steering, for tests ----

  /** Whether the buyer pays right after each prepay (default) or walks away. */
  public void buyersPay(boolean pay) {
    buyersPay = pay;
  }

  /** Payments and refunds happen, but their notifications never reach the merchant. */
  public void loseNotifications(boolean lose) {
    notificationsLost = lose;
  }

  /** The next {@code count} refund requests fail with a 500 SYSTEM_ERROR. */
  public void failNextRefunds(int count) {
    failingRefunds.set(count);
  }

  /** Refunds end ABNORMAL (the buyer's card was closed) instead of SUCCESS. */
  public void refundsEndAbnormal(boolean abnormal) {
    refundsAbnormal = abnormal;
  }

  /** Refund queries (refundQueryV3) fail with a 500 SYSTEM_ERROR: WeChat Pay is having a bad time. */
  public void failRefundQueries(boolean fail) {
    refundQueriesFail = fail;
  }

  /** The buyer pays this much more than the order asked for (a notification with a wrong amount). */
  public void payAmountOffBy(long fen) {
    paidAmountOffset = fen;
  }

  /**
   * The buyer pays this order now, even if it was closed a moment ago: a payment that raced the
   * close (the merchant must refund it).
   */
  public void payNow(String outTradeNo) {
    Trade trade = trades.get(outTradeNo);
    if (trade == null) {
      throw new IllegalArgumentException("no prepay for " + outTradeNo);
    }
    synchronized (this) {
      if ("CLOSED".equals(trade.state)) {
        trade.state = "NOTPAY";
      }
    }
    buyerPays(trade);
  }

  /** Answers are signed with a key that is not WeChat Pay's (a man in the middle): clients must refuse them. */
  public void forgeAnswers(boolean forge) {
    answersForged = forge;
  }

  // ---- inspection, for tests ----

  public String transactionId(String outTradeNo) {
    Trade trade = trades.get(outTradeNo);
    return trade == null ? null : trade.transactionId;
  }

  public String tradeState(String outTradeNo) {
    Trade trade = trades.get(outTradeNo);
    return trade == null ? null : trade.state;
  }

  /** How often money went back for this refund number (must never exceed 1). */
  public int timesPaidOut(String outRefundNo) {
    Refund refund = refunds.get(outRefundNo);
    return refund == null ? 0 : refund.paidOut;
  }

  public String refundStatus(String outRefundNo) {
    Refund refund = refunds.get(outRefundNo);
    return refund == null ? null : refund.status;
  }

  public long refundedAmount(String outRefundNo) {
    Refund refund = refunds.get(outRefundNo);
    return refund == null ? 0 : refund.amount;
  }

  /** The mini-program access tokens handed out so far (secrets: they must not be logged). */
  public Set<String> accessTokens() {
    return miniProgram.accessTokens();
  }

  /** Merchant requests turned away for a missing or bad signature. */
  public int rejectedRequests() {
    return rejectedRequests.get();
  }

  /** The last payment notification made for an order, to replay or tamper with. */
  public SignedNotification lastPaymentNotification(String outTradeNo) {
    Trade trade = trades.get(outTradeNo);
    return trade == null ? null : trade.lastNotification;
  }

  /** Signs any body as WeChat Pay would, at any time: for stale and replayed notifications. */
  public SignedNotification sign(String body, Instant at) {
    String timestamp = Long.toString(at.getEpochSecond());
    String nonce = WechatKeys.random(32);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Wechatpay-Serial", keys.publicKeyId);
    headers.put("Wechatpay-Timestamp", timestamp);
    headers.put("Wechatpay-Nonce", nonce);
    headers.put("Wechatpay-Signature", keys.signAsPlatform(timestamp + "\n" + nonce + "\n" + body + "\n"));
    headers.put("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
    return new SignedNotification(body, Map.copyOf(headers));
  }

  /** A payment notification for any transaction, encrypted and signed now; nothing is sent. */
  public SignedNotification paymentNotification(String outTradeNo, String transactionId, long total, Instant at) {
    return paymentNotification(mchId, appId, outTradeNo, transactionId, total, at);
  }

  /** The same for any merchant and app (another merchant's payment, correctly signed). */
  public SignedNotification paymentNotification(String mchId, String appId, String outTradeNo, String transactionId,
      long total, Instant at) {
    Map<String, Object> transaction = transaction(appId, mchId, outTradeNo, transactionId, "SUCCESS", total, "o-test",
        at.atOffset(ZoneOffset.ofHours(8)).format(RFC3339));
    return notification("TRANSACTION.SUCCESS", "transaction", transaction, at);
  }

  // ---- HTTP ----

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = exchange.getRequestURI().getPath();
      if (path.startsWith("/sns/") || path.startsWith("/cgi-bin/")) {
        reply(exchange, 200, miniProgram.answer(path, MiniProgram.query(exchange.getRequestURI())), false);
        return;
      }
      if (!MerchantSignature.verifies(exchange, body, mchId, keys)) {
        rejectedRequests.incrementAndGet();
        reply(exchange, 401, error("SIGN_ERROR", "签名错误"), false);
        return;
      }
      Answer answer = pay(exchange.getRequestMethod(), path, body);
      reply(exchange, answer.status(), answer.body(), true);
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.WARNING, "fake WeChat failed on " + exchange.getRequestURI(), e);
      reply(exchange, 500, error("SYSTEM_ERROR", e.toString()), false);
    }
  }

  private record Answer(int status, Map<String, Object> body) {}

  private Answer pay(String method, String path, String body) {
    List<String> parts = List.of(path.split("/"));
    if ("POST".equals(method) && path.equals("/v3/pay/transactions/jsapi")) {
      return prepay(json.readTree(body));
    }
    if (path.startsWith("/v3/pay/transactions/out-trade-no/")) {
      String outTradeNo = parts.get(5);
      if ("POST".equals(method) && path.endsWith("/close")) {
        return close(outTradeNo);
      }
      return queryTrade(outTradeNo);
    }
    if ("POST".equals(method) && path.equals("/v3/refund/domestic/refunds")) {
      return refund(json.readTree(body));
    }
    if ("GET".equals(method) && path.startsWith("/v3/refund/domestic/refunds/")) {
      if (refundQueriesFail) {
        return new Answer(500, error("SYSTEM_ERROR", "系统繁忙，请稍后重试"));
      }
      Refund refund = refunds.get(parts.get(5));
      return refund == null ? new Answer(404, error("RESOURCE_NOT_EXISTS", "退款单不存在"))
          : new Answer(200, refundView(refund));
    }
    return new Answer(404, error("NOT_FOUND", "no such API in the stand-in: " + method + " " + path));
  }

  private synchronized Answer prepay(JsonNode request) {
    String outTradeNo = request.path("out_trade_no").asString();
    long total = request.path("amount").path("total").asLong();
    if (!mchId.equals(request.path("mchid").asString()) || !appId.equals(request.path("appid").asString())) {
      return new Answer(400, error("PARAM_ERROR", "appid和mch_id不匹配"));
    }
    if (outTradeNo.length() < 6 || outTradeNo.length() > 32 || total <= 0) {
      return new Answer(400, error("PARAM_ERROR", "out_trade_no or amount invalid"));
    }
    Trade known = trades.get(outTradeNo);
    if (known != null) {
      if ("CLOSED".equals(known.state)) {
        return new Answer(400, error("ORDER_CLOSED", "订单已关闭"));
      }
      if (known.total != total) {
        return new Answer(400, error("INVALID_REQUEST", "参数与首次请求时不一致"));
      }
      return new Answer(200, Map.of("prepay_id", known.prepayId));
    }
    Trade trade = new Trade(appId, mchId, outTradeNo, total, request.path("notify_url").asString(),
        request.path("payer").path("openid").asString(), "wx" + WechatKeys.digits(30));
    trades.put(outTradeNo, trade);
    if (buyersPay) {
      buyer.schedule(() -> buyerPays(trade), payDelay.toMillis(), TimeUnit.MILLISECONDS);
    }
    return new Answer(200, Map.of("prepay_id", trade.prepayId));
  }

  private void buyerPays(Trade trade) {
    SignedNotification notification;
    synchronized (this) {
      if (!"NOTPAY".equals(trade.state)) {
        return;
      }
      trade.state = "SUCCESS";
      trade.transactionId = "4200" + WechatKeys.digits(24);
      trade.successTime = now();
      Map<String, Object> paid = transaction(trade.appId, trade.mchId, trade.outTradeNo, trade.transactionId,
          "SUCCESS", trade.total + paidAmountOffset, trade.openId, trade.successTime);
      notification = notification("TRANSACTION.SUCCESS", "transaction", paid, Instant.now());
      trade.lastNotification = notification;
    }
    deliver(trade.notifyUrl, notification);
  }

  private synchronized Answer queryTrade(String outTradeNo) {
    Trade trade = trades.get(outTradeNo);
    if (trade == null) {
      return new Answer(404, error("ORDER_NOT_EXIST", "订单不存在"));
    }
    long total = "SUCCESS".equals(trade.state) ? trade.total + paidAmountOffset : trade.total;
    return new Answer(200, transaction(trade.appId, trade.mchId, trade.outTradeNo, trade.transactionId, trade.state,
        total, trade.openId, trade.successTime));
  }

  private synchronized Answer close(String outTradeNo) {
    Trade trade = trades.get(outTradeNo);
    if (trade == null) {
      return new Answer(404, error("ORDER_NOT_EXIST", "订单不存在"));
    }
    if ("SUCCESS".equals(trade.state)) {
      return new Answer(400, error("ORDER_PAID", "订单已支付"));
    }
    trade.state = "CLOSED";
    return new Answer(204, null);
  }

  private synchronized Answer refund(JsonNode request) {
    if (failingRefunds.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return new Answer(500, error("SYSTEM_ERROR", "系统繁忙，请稍后重试"));
    }
    String outRefundNo = request.path("out_refund_no").asString();
    Refund known = refunds.get(outRefundNo);
    if (known != null) {
      return new Answer(200, refundView(known));
    }
    Trade trade = trades.get(request.path("out_trade_no").asString());
    if (trade == null || !"SUCCESS".equals(trade.state)) {
      return new Answer(404, error("RESOURCE_NOT_EXISTS", "订单不存在"));
    }
    long amount = request.path("amount").path("refund").asLong();
    long total = request.path("amount").path("total").asLong();
    if (total != trade.total + paidAmountOffset || amount <= 0) {
      return new Answer(400, error("PARAM_ERROR", "订单金额与支付金额不一致"));
    }
    if (trade.refunded + amount > total) {
      return new Answer(403, error("NOT_ENOUGH", "可退金额不足"));
    }
    trade.refunded += amount;
    Refund refund = new Refund(outRefundNo, "5030" + WechatKeys.digits(25), trade, amount,
        request.path("notify_url").asString(), now());
    refunds.put(outRefundNo, refund);
    buyer.schedule(() -> settle(refund), payDelay.toMillis(), TimeUnit.MILLISECONDS);
    return new Answer(200, refundView(refund));
  }

  private void settle(Refund refund) {
    SignedNotification notification;
    synchronized (this) {
      refund.status = refundsAbnormal ? "ABNORMAL" : "SUCCESS";
      if (!refundsAbnormal) {
        refund.paidOut++;
        refund.successTime = now();
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("mchid", refund.trade.mchId);
      result.put("out_trade_no", refund.trade.outTradeNo);
      result.put("transaction_id", refund.trade.transactionId);
      result.put("out_refund_no", refund.outRefundNo);
      result.put("refund_id", refund.refundId);
      result.put("refund_status", refund.status);
      result.put("success_time", refund.successTime);
      result.put("user_received_account", "支付用户零钱");
      result.put("amount", Map.of("total", refund.trade.total + paidAmountOffset, "refund", refund.amount,
          "payer_total", refund.trade.total + paidAmountOffset, "payer_refund", refund.amount));
      notification = notification("REFUND." + refund.status, "refund", result, Instant.now());
    }
    if (refund.notifyUrl != null && !refund.notifyUrl.isBlank()) {
      deliver(refund.notifyUrl, notification);
    }
  }

  private Map<String, Object> refundView(Refund refund) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("refund_id", refund.refundId);
    view.put("out_refund_no", refund.outRefundNo);
    view.put("transaction_id", refund.trade.transactionId);
    view.put("out_trade_no", refund.trade.outTradeNo);
    view.put("channel", "ORIGINAL");
    view.put("user_received_account", "支付用户零钱");
    view.put("create_time", refund.createTime);
    view.put("success_time", refund.successTime);
    view.put("status", refund.status);
    view.put("amount", Map.of("total", refund.trade.total + paidAmountOffset, "refund", refund.amount,
        "payer_total", refund.trade.total + paidAmountOffset, "payer_refund", refund.amount, "currency", "CNY"));
    return view;
  }

  // ---- protocol helpers ----

  private void reply(HttpExchange exchange, int status, Map<String, Object> body, boolean signed) throws IOException {
    String text = body == null ? "" : json.writeValueAsString(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.getResponseHeaders().set("Request-ID", WechatKeys.random(24));
    if (signed) {
      SignedNotification signature = sign(text, Instant.now());
      signature.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      if (answersForged) {
        String message = signature.headers().get("Wechatpay-Timestamp") + "\n" + signature.headers().get("Wechatpay-Nonce")
            + "\n" + text + "\n";
        exchange.getResponseHeaders().set("Wechatpay-Signature", keys.signAsStranger(message));
      }
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  private SignedNotification notification(String eventType, String originalType, Map<String, Object> resource,
      Instant at) {
    String nonce = WechatKeys.random(12);
    String associatedData = originalType;
    Map<String, Object> encrypted = new LinkedHashMap<>();
    encrypted.put("original_type", originalType);
    encrypted.put("algorithm", "AEAD_AES_256_GCM");
    encrypted.put("ciphertext", keys.encrypt(json.writeValueAsString(resource), nonce, associatedData));
    encrypted.put("associated_data", associatedData);
    encrypted.put("nonce", nonce);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", "EV-" + WechatKeys.digits(20));
    body.put("create_time", at.atOffset(ZoneOffset.ofHours(8)).format(RFC3339));
    body.put("resource_type", "encrypt-resource");
    body.put("event_type", eventType);
    body.put("summary", eventType.startsWith("REFUND") ? "退款状态变更" : "支付成功");
    body.put("resource", encrypted);
    return sign(json.writeValueAsString(body), at);
  }

  private static Map<String, Object> transaction(String appId, String mchId, String outTradeNo, String transactionId,
      String state, long total, String openId, String successTime) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("appid", appId);
    t.put("mchid", mchId);
    t.put("out_trade_no", outTradeNo);
    t.put("transaction_id", transactionId);
    t.put("trade_type", "JSAPI");
    t.put("trade_state", state);
    t.put("trade_state_desc", state);
    t.put("bank_type", "OTHERS");
    t.put("success_time", successTime);
    t.put("payer", Map.of("openid", openId == null ? "" : openId));
    t.put("amount", Map.of("total", total, "payer_total", total, "currency", "CNY", "payer_currency", "CNY"));
    return t;
  }

  private void deliver(String url, SignedNotification notification) {
    if (!notificationsLost) {
      notifier.deliver(url, notification);
    }
  }

  private static Map<String, Object> error(String code, String message) {
    return Map.of("code", code, "message", message);
  }

  private static String now() {
    return OffsetDateTime.now(ZoneOffset.ofHours(8)).withNano(0).format(RFC3339);
  }

  static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    server.stop(0);
    buyer.shutdownNow();
    ((ExecutorService) server.getExecutor()).shutdownNow();
  }
}
