package dev.flashgroup.wechatfake;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
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
import java.util.regex.Pattern;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local WeChat: WeChat Pay API v3 (JSAPI prepay, query, close, refund, refund query) and the
 * mini-program's jscode2session, speaking the real protocol. It checks the merchant's request
 * signatures, signs every answer with its platform key, encrypts and signs its notifications, and
 * plays a buyer who pays as soon as a prepay exists. Tests steer it through the methods below.
 *
 * <p>It is as strict as WeChat Pay API v3's documentation: required fields, lengths and formats
 * (see {@link Checks}), https notify URLs, and WeChat's answers to the edge cases; the choices where
 * the documentation and community reports disagree are written down in docs/wechat-stand-in.md.
 * It serves HTTP with Reactor Netty on event loops of its own, which keeps header names as written
 * ({@code Wechatpay-Timestamp}, {@code Request-ID}): WeChat's clients look them up case-sensitively.
 * The work behind an answer (signing, JSON) runs on threads of its own, never on an event loop.
 */
public final class FakeWechat implements AutoCloseable {

  /** A made-up name under WeChat Pay's domain: WxJava signs and verifies only for such hosts. */
  public static final String PAY_HOST = "api.flashgroup-fake.mch.weixin.qq.com";

  private static final System.Logger log = System.getLogger(FakeWechat.class.getName());
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
  private static final ZoneOffset BEIJING = ZoneOffset.ofHours(8);
  /** out_trade_no: 6-32 of digits, letters and _-|* ("只能是数字、大小写字母_-|*"). */
  private static final Pattern OUT_TRADE_NO = Pattern.compile("[0-9A-Za-z_\\-|*]{6,32}");
  /** out_refund_no: 1-64 of digits, letters and _-|*@. */
  private static final Pattern OUT_REFUND_NO = Pattern.compile("[0-9A-Za-z_\\-|*@]{1,64}");
  private static final List<String> CNY = List.of("CNY");
  /** WeChat's wording of a notification's summary and of a query's trade_state_desc. */
  private static final Map<String, String> SUMMARIES = Map.of("TRANSACTION.SUCCESS", "支付成功",
      "REFUND.SUCCESS", "退款成功", "REFUND.ABNORMAL", "退款异常", "REFUND.CLOSED", "退款关闭");
  private static final Map<String, String> TRADE_STATES = Map.of("SUCCESS", "支付成功", "NOTPAY", "订单未支付",
      "CLOSED", "订单已关闭", "REFUND", "转入退款");

  private final WechatKeys keys = WechatKeys.generate();
  private final String mchId = "1900" + WechatKeys.digits(6);
  private final String appId = "wx" + WechatKeys.random(16).toLowerCase();
  private final String appSecret = WechatKeys.random(32);
  private final JsonMapper json = JsonMapper.builder().build();
  private final LoopResources loops = LoopResources.create("fake-wechat-loop", 1, true);
  private final ExecutorService workers = Executors.newFixedThreadPool(4, daemon("fake-wechat-http"));
  private final Scheduler work = Schedulers.fromExecutorService(workers);
  private final DisposableServer server;
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
  private volatile boolean loopbackHttp;
  private volatile Duration payDelay = Duration.ofMillis(150);

  private FakeWechat(int port) {
    server = HttpServer.create().host("127.0.0.1").port(port).runOn(loops).handle(this::serve).bindNow();
  }

  /** Starts on the given port (0: any free one), strict: notify URLs must be https. */
  public static FakeWechat start(int port) {
    return new FakeWechat(port);
  }

  public int port() {
    return server.port();
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

  /**
   * Takes plain-http notify URLs on a loopback address (off by default, as WeChat takes https only):
   * for tests and local runs, where the app listens on 127.0.0.1 without TLS.
   */
  public void acceptLoopbackHttpNotifyUrls(boolean accept) {
    loopbackHttp = accept;
  }

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

  /** The description the merchant gave the prepay: what the buyer's payment record shows. */
  public String description(String outTradeNo) {
    Trade trade = trades.get(outTradeNo);
    return trade == null ? null : trade.description;
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
  /** Subscribe messages accepted so far, in order. */
  public List<SubscribeMessage> subscribeMessages() {
    return miniProgram.subscribeMessages();
  }

  /** Refuses the next {@code count} subscribe messages (errcode 45009), as a WeChat under quota would. */
  public void failNextSubscribeMessages(int count) {
    miniProgram.failNextSubscribeMessages(count);
  }

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
        time(at));
    return notification("TRANSACTION.SUCCESS", "transaction", transaction, at);
  }

  // ---- HTTP ----

  private Publisher<Void> serve(HttpServerRequest request, HttpServerResponse response) {
    return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
        .publishOn(work)
        .map(body -> answer(request.method().name(), request.uri(), request.requestHeaders(), body))
        .flatMap(reply -> send(response, reply));
  }

  /** What WeChat sends back: status, headers spelt as WeChat spells them, and the body. */
  private record Reply(int status, Map<String, String> headers, byte[] body) {}

  private Reply answer(String method, String uri, HttpHeaders headers, String body) {
    String path = URI.create(uri).getPath();
    try {
      if ("POST".equals(method) && path.equals("/cgi-bin/message/subscribe/send")) {
        return reply(Answer.ok(miniProgram.subscribeSend(MiniProgram.query(URI.create(uri)), json.readTree(body))),
            false);
      }
      if (path.startsWith("/sns/") || path.startsWith("/cgi-bin/")) {
        return reply(Answer.ok(miniProgram.answer(path, MiniProgram.query(URI.create(uri)))), false);
      }
      if (!MerchantSignature.verifies(method, uri, headers.get("Authorization"), body, mchId, keys)) {
        rejectedRequests.incrementAndGet();
        return reply(signError(), false);
      }
      return reply(pay(method, URI.create(uri), body), true);
    } catch (JacksonException e) {
      return reply(Answer.refused(400, "PARAM_ERROR", "解析请求体失败: 不是合法的JSON"), true);
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.WARNING, "fake WeChat failed on " + method + " " + uri, e);
      return reply(Answer.refused(500, "SYSTEM_ERROR", "系统错误"), false);
    }
  }

  private static Mono<Void> send(HttpServerResponse response, Reply reply) {
    response.status(reply.status());
    reply.headers().forEach(response::header);
    if (reply.body().length == 0) {
      return response.send().then();
    }
    response.header("Content-Length", Integer.toString(reply.body().length));
    return response.sendByteArray(Mono.just(reply.body())).then();
  }

  /** As WeChat answers a request whose signature does not verify (its detail names the signature). */
  private static Answer signError() {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("detail", Map.of("issue", "sign not match"));
    detail.put("field", "signature");
    detail.put("location", "authorization");
    return Answer.refused(401, "SIGN_ERROR", "错误的签名，验签失败", detail);
  }

  private Answer pay(String method, URI uri, String body) {
    String path = uri.getPath();
    List<String> parts = List.of(path.split("/"));
    if ("POST".equals(method) && path.equals("/v3/pay/transactions/jsapi")) {
      return prepay(json.readTree(body));
    }
    if (path.startsWith("/v3/pay/transactions/out-trade-no/") && parts.size() >= 6) {
      String outTradeNo = parts.get(5);
      if ("POST".equals(method) && path.endsWith("/close")) {
        return close(outTradeNo, json.readTree(body));
      }
      if ("GET".equals(method) && parts.size() == 6) {
        return queryTrade(outTradeNo, MiniProgram.query(uri).get("mchid"));
      }
    }
    if ("POST".equals(method) && path.equals("/v3/refund/domestic/refunds")) {
      return refund(json.readTree(body));
    }
    if ("GET".equals(method) && path.startsWith("/v3/refund/domestic/refunds/") && parts.size() == 6) {
      if (refundQueriesFail) {
        return Answer.refused(500, "SYSTEM_ERROR", "系统繁忙，请稍后重试");
      }
      Refund refund = refunds.get(parts.get(5));
      return refund == null ? Answer.refused(404, "RESOURCE_NOT_EXISTS", "退款单不存在") : Answer.ok(refundView(refund));
    }
    return Answer.refused(404, "NOT_FOUND", "no such API in the stand-in: " + method + " " + path);
  }

  private synchronized Answer prepay(JsonNode request) {
    Answer refusal = new Checks(request, loopbackHttp)
        .text("/appid", 1, 32)
        .text("/mchid", 1, 32)
        .text("/description", 1, 127)
        .text("/out_trade_no", 6, 32)
        .matches("/out_trade_no", OUT_TRADE_NO, "6-32 characters of 0-9, A-Z, a-z and _-|*")
        .optionalText("/time_expire", 1, 64)
        .time("/time_expire")
        .optionalText("/attach", 1, 128)
        .notifyUrl("/notify_url", true, 1, 255)
        .optionalText("/goods_tag", 1, 32)
        .positiveInteger("/amount/total")
        .oneOf("/amount/currency", false, CNY)
        .text("/payer/openid", 1, 128)
        .refusal();
    if (refusal != null) {
      return refusal;
    }
    if (!mchId.equals(request.path("mchid").asString()) || !appId.equals(request.path("appid").asString())) {
      return Answer.refused(400, "APPID_MCHID_NOT_MATCH", "AppID和mch_id不匹配");
    }
    String outTradeNo = request.path("out_trade_no").asString();
    Trade asked = new Trade(appId, mchId, outTradeNo, request.path("amount").path("total").asLong(),
        request.path("description").asString(), request.path("time_expire").asString(null),
        request.path("notify_url").asString(), request.path("payer").path("openid").asString(),
        "wx" + WechatKeys.digits(30));
    Trade known = trades.get(outTradeNo);
    if (known != null) {
      return again(known, asked);
    }
    trades.put(outTradeNo, asked);
    if (buyersPay) {
      buyer.schedule(() -> buyerPays(asked), payDelay.toMillis(), TimeUnit.MILLISECONDS);
    }
    return Answer.ok(Map.of("prepay_id", asked.prepayId));
  }

  /** A prepay for a known out_trade_no: the same prepay for the same terms, refused otherwise. */
  private static Answer again(Trade known, Trade asked) {
    if ("CLOSED".equals(known.state)) {
      return Answer.refused(400, "ORDER_CLOSED", "订单已关闭");
    }
    if (!"NOTPAY".equals(known.state)) {
      return Answer.refused(400, "ORDERPAID", "该订单已支付");
    }
    if (!known.sameTerms(asked)) {
      return Answer.refused(403, "OUT_TRADE_NO_USED", "商户订单号重复");
    }
    return Answer.ok(Map.of("prepay_id", known.prepayId));
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

  private synchronized Answer queryTrade(String outTradeNo, String queryMchId) {
    if (queryMchId == null || queryMchId.isEmpty()) {
      return Answer.badField("mchid", null, "缺少参数 (required)", "query");
    }
    if (!mchId.equals(queryMchId)) {
      return Answer.refused(400, "INVALID_REQUEST", "mchid与请求的商户号不一致");
    }
    Trade trade = trades.get(outTradeNo);
    if (trade == null) {
      return Answer.refused(404, "ORDER_NOT_EXIST", "订单不存在");
    }
    if (!"SUCCESS".equals(trade.state)) {
      return Answer.ok(unpaid(trade));
    }
    return Answer.ok(transaction(trade.appId, trade.mchId, trade.outTradeNo, trade.transactionId, trade.state,
        trade.total + paidAmountOffset, trade.openId, trade.successTime));
  }

  /**
   * Close: 204 for an unpaid order, again for a closed one. An order never made is 404
   * ORDER_NOT_EXIST as the documentation lists it (community reports say 204); a paid one 400
   * ORDERPAID.
   */
  private synchronized Answer close(String outTradeNo, JsonNode request) {
    Answer refusal = new Checks(request, loopbackHttp).text("/mchid", 1, 32).refusal();
    if (refusal != null) {
      return refusal;
    }
    Trade trade = trades.get(outTradeNo);
    if (trade == null || !mchId.equals(request.path("mchid").asString())) {
      return Answer.refused(404, "ORDER_NOT_EXIST", "订单不存在");
    }
    if ("SUCCESS".equals(trade.state)) {
      return Answer.refused(400, "ORDERPAID", "该订单已支付");
    }
    trade.state = "CLOSED";
    return Answer.noContent();
  }

  private synchronized Answer refund(JsonNode request) {
    if (failingRefunds.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return Answer.refused(500, "SYSTEM_ERROR", "系统繁忙，请稍后重试");
    }
    Checks checks = new Checks(request, loopbackHttp);
    if (request.path("transaction_id").isMissingNode()) {
      checks.text("/out_trade_no", 6, 32).matches("/out_trade_no", OUT_TRADE_NO, "6-32 characters of 0-9, A-Z, a-z and _-|*");
    } else {
      checks.text("/transaction_id", 1, 32);
    }
    Answer refusal = checks
        .text("/out_refund_no", 1, 64)
        .matches("/out_refund_no", OUT_REFUND_NO, "1-64 characters of 0-9, A-Z, a-z and _-|*@")
        .optionalText("/reason", 1, 80)
        .notifyUrl("/notify_url", false, 8, 256)
        .positiveInteger("/amount/refund")
        .positiveInteger("/amount/total")
        .oneOf("/amount/currency", true, CNY)
        .refusal();
    if (refusal != null) {
      return refusal;
    }
    long amount = request.path("amount").path("refund").asLong();
    long total = request.path("amount").path("total").asLong();
    if (amount > total) {
      return Answer.badField("/amount/refund", request.path("amount").path("refund"), "退款金额不能大于订单金额", "body");
    }
    Trade trade = tradeOf(request);
    String outRefundNo = request.path("out_refund_no").asString();
    Refund known = refunds.get(outRefundNo);
    if (known != null) {
      // One refund number pays out once: the same request again is the same refund.
      return known.trade == trade && known.amount == amount && known.total == total ? Answer.ok(refundView(known))
          : Answer.refused(400, "INVALID_REQUEST", "订单金额或退款金额与之前请求不一致，请核实后再试");
    }
    if (trade == null || !"SUCCESS".equals(trade.state)) {
      return Answer.refused(404, "RESOURCE_NOT_EXISTS", "订单不存在");
    }
    if (total != trade.total + paidAmountOffset) {
      return Answer.refused(400, "INVALID_REQUEST", "订单金额与支付金额不一致");
    }
    if (trade.refunded + amount > total) {
      return Answer.refused(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额");
    }
    trade.refunded += amount;
    Refund refund = new Refund(outRefundNo, "5030" + WechatKeys.digits(25), trade, amount, total,
        request.path("notify_url").asString(null), now());
    refunds.put(outRefundNo, refund);
    buyer.schedule(() -> settle(refund), payDelay.toMillis(), TimeUnit.MILLISECONDS);
    return Answer.ok(refundView(refund));
  }

  private Trade tradeOf(JsonNode request) {
    if (request.has("out_trade_no")) {
      return trades.get(request.path("out_trade_no").asString());
    }
    String transactionId = request.path("transaction_id").asString();
    return trades.values().stream().filter(t -> transactionId.equals(t.transactionId)).findFirst().orElse(null);
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
      putIfKnown(result, "success_time", refund.successTime);
      result.put("user_received_account", "支付用户零钱");
      result.put("amount", Map.of("total", refund.total, "refund", refund.amount,
          "payer_total", refund.total, "payer_refund", refund.amount));
      notification = notification("REFUND." + refund.status, "refund", result, Instant.now());
    }
    if (refund.notifyUrl != null) {
      deliver(refund.notifyUrl, notification);
    }
  }

  private static Map<String, Object> refundView(Refund refund) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("refund_id", refund.refundId);
    view.put("out_refund_no", refund.outRefundNo);
    view.put("transaction_id", refund.trade.transactionId);
    view.put("out_trade_no", refund.trade.outTradeNo);
    view.put("channel", "ORIGINAL");
    view.put("user_received_account", "支付用户零钱");
    putIfKnown(view, "success_time", refund.successTime);
    view.put("create_time", refund.createTime);
    view.put("status", refund.status);
    view.put("funds_account", "AVAILABLE");
    Map<String, Object> amount = new LinkedHashMap<>();
    amount.put("total", refund.total);
    amount.put("refund", refund.amount);
    amount.put("payer_total", refund.total);
    amount.put("payer_refund", refund.amount);
    amount.put("settlement_refund", refund.amount);
    amount.put("settlement_total", refund.total);
    amount.put("discount_refund", 0);
    amount.put("currency", "CNY");
    view.put("amount", amount);
    return view;
  }

  // ---- protocol helpers ----

  /**
   * The reply as WeChat writes it: {@code Request-ID} always, {@code Content-Type} only with a body
   * (a 204 has none), and for the pay API the Wechatpay-* signature headers, over the body as sent.
   */
  private Reply reply(Answer answer, boolean signed) {
    String text = answer.body() == null ? "" : json.writeValueAsString(answer.body());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Request-ID", WechatKeys.random(24));
    if (!text.isEmpty()) {
      headers.put("Content-Type", "application/json; charset=utf-8");
    }
    if (signed) {
      SignedNotification signature = sign(text, Instant.now());
      headers.putAll(signature.headers());
      headers.remove("Wechatpay-Signature-Type");
      if (answersForged) {
        String message = signature.headers().get("Wechatpay-Timestamp") + "\n" + signature.headers().get("Wechatpay-Nonce")
            + "\n" + text + "\n";
        headers.put("Wechatpay-Signature", keys.signAsStranger(message));
      }
    }
    return new Reply(answer.status(), headers, text.getBytes(StandardCharsets.UTF_8));
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
    body.put("create_time", time(at));
    body.put("resource_type", "encrypt-resource");
    body.put("event_type", eventType);
    body.put("summary", SUMMARIES.getOrDefault(eventType, eventType));
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
    t.put("trade_state_desc", TRADE_STATES.getOrDefault(state, state));
    t.put("bank_type", "OTHERS");
    t.put("success_time", successTime);
    t.put("payer", Map.of("openid", openId));
    t.put("amount", Map.of("total", total, "payer_total", total, "currency", "CNY", "payer_currency", "CNY"));
    return t;
  }

  /**
   * An order nobody paid (NOTPAY, CLOSED), as WeChat answers a query for it: no transaction, no
   * payer, no success time; absent fields are left out, never null.
   */
  private static Map<String, Object> unpaid(Trade trade) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("appid", trade.appId);
    t.put("mchid", trade.mchId);
    t.put("out_trade_no", trade.outTradeNo);
    t.put("trade_state", trade.state);
    t.put("trade_state_desc", TRADE_STATES.getOrDefault(trade.state, trade.state));
    t.put("amount", Map.of("total", trade.total, "currency", "CNY"));
    return t;
  }

  private static void putIfKnown(Map<String, Object> map, String name, Object value) {
    if (value != null) {
      map.put(name, value);
    }
  }

  private void deliver(String url, SignedNotification notification) {
    if (!notificationsLost) {
      notifier.deliver(url, notification);
    }
  }

  /** WeChat's time format: RFC 3339, whole seconds, Beijing time (+08:00). */
  private static String time(Instant at) {
    return at.truncatedTo(ChronoUnit.SECONDS).atOffset(BEIJING).format(RFC3339);
  }

  private static String now() {
    return time(Instant.now());
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
    server.disposeNow();
    loops.dispose();
    buyer.shutdownNow();
    work.dispose();
  }
}
