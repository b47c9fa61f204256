package dev.flashgroup.wechatfake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonObject;
import com.wechat.pay.java.core.exception.ServiceException;
import com.wechat.pay.java.core.notification.Notification;
import com.wechat.pay.java.core.notification.RequestParam;
import com.wechat.pay.java.service.payments.jsapi.model.Amount;
import com.wechat.pay.java.service.payments.jsapi.model.CloseOrderRequest;
import com.wechat.pay.java.service.payments.jsapi.model.Payer;
import com.wechat.pay.java.service.payments.jsapi.model.PrepayRequest;
import com.wechat.pay.java.service.payments.jsapi.model.PrepayResponse;
import com.wechat.pay.java.service.payments.jsapi.model.QueryOrderByOutTradeNoRequest;
import com.wechat.pay.java.service.payments.model.Transaction;
import com.wechat.pay.java.service.refund.model.AmountReq;
import com.wechat.pay.java.service.refund.model.CreateRequest;
import com.wechat.pay.java.service.refund.model.QueryByOutRefundNoRequest;
import com.wechat.pay.java.service.refund.model.Refund;
import com.wechat.pay.java.service.refund.model.RefundNotification;
import com.wechat.pay.java.service.refund.model.Status;
import dev.flashgroup.wechatfake.NotificationInbox.Delivery;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stand-in as Tencent's official Java SDK (wechatpay-java, public-key mode) sees it: every call
 * flashgroup makes (JSAPI prepay, query by out_trade_no, close, refund, refund query) and every
 * notification the stand-in sends (payment, refund, abnormal refund), verified and decrypted by the
 * SDK. On top of the SDK's own checks (signatures, the exact Wechatpay-* header names) each answer
 * must have WeChat's shape and formats (SdkShape), and the stand-in must refuse and answer what
 * WeChat Pay API v3's documentation says it refuses and answers. An implementation we did not
 * write, so a stand-in that is wrong where WeChat is strict fails here and not in production.
 */
class OfficialSdkTest {

  private static final Duration PATIENCE = Duration.ofSeconds(10);
  private static final List<String> SIGNED_ANSWER_HEADERS = List.of("Request-ID", "Wechatpay-Timestamp",
      "Wechatpay-Nonce", "Wechatpay-Signature", "Wechatpay-Serial");
  private static final List<String> NOTIFICATION_HEADERS = List.of("Wechatpay-Timestamp", "Wechatpay-Nonce",
      "Wechatpay-Signature", "Wechatpay-Serial", "Wechatpay-Signature-Type");
  /** WeChat's refund notification documents mchid; the SDK's RefundNotification has no field for it. */
  private static final Set<String> DOCUMENTED_BEYOND_THE_SDK = Set.of("RefundNotification.mchid");
  private static final AtomicInteger ORDERS = new AtomicInteger();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static FakeWechat wechat;
  private static NotificationInbox inbox;
  private static OfficialSdk sdk;

  @BeforeAll
  static void start() {
    wechat = FakeWechat.start(0);
    wechat.acceptLoopbackHttpNotifyUrls(true);
    inbox = new NotificationInbox();
    sdk = new OfficialSdk(wechat);
  }

  @AfterAll
  static void stop() {
    inbox.close();
    wechat.close();
  }

  @BeforeEach
  void calm() {
    wechat.buyersPay(false);
    wechat.refundsEndAbnormal(false);
  }

  @Test
  void prepayQueryAndCloseOfAnUnpaidOrderAreWhatTheSdkExpects() {
    String no = outTradeNo();
    PrepayResponse prepay = sdk.jsapi.prepay(prepay(no, 3990, r -> {}));
    assertThat(prepay.getPrepayId()).startsWith("wx");
    signedJson(PrepayResponse.class);

    Transaction unpaid = sdk.jsapi.queryOrderByOutTradeNo(query(no));
    assertThat(unpaid.getTradeState()).isEqualTo(Transaction.TradeStateEnum.NOTPAY);
    assertThat(unpaid.getOutTradeNo()).isEqualTo(no);
    assertThat(unpaid.getAmount().getTotal()).isEqualTo(3990);
    signedJson(Transaction.class);
    assertThat(sdk.lastAnswer().body()).doesNotContain("transaction_id");

    sdk.jsapi.closeOrder(close(no));
    signedNoContent();

    Transaction closed = sdk.jsapi.queryOrderByOutTradeNo(query(no));
    assertThat(closed.getTradeState()).isEqualTo(Transaction.TradeStateEnum.CLOSED);
    signedJson(Transaction.class);
    assertThat(sdk.lastAnswer().body()).doesNotContain("transaction_id");

    // Closing again is no error at WeChat Pay.
    sdk.jsapi.closeOrder(close(no));
    signedNoContent();
  }

  @Test
  void paymentNotificationVerifiesAndDecryptsWithTheSdk() throws Exception {
    String no = paidOrder(3990);
    Delivery delivery = inbox.next("/pay/" + no, PATIENCE);
    Transaction paid = parse(delivery, Transaction.class);
    assertThat(paid.getOutTradeNo()).isEqualTo(no);
    assertThat(paid.getTradeState()).isEqualTo(Transaction.TradeStateEnum.SUCCESS);
    assertThat(paid.getAmount().getTotal()).isEqualTo(3990);
    assertThat(paid.getPayer().getOpenid()).isEqualTo("o-sdk");
    assertThat(paid.getMchid()).isEqualTo(sdk.mchId());
    notificationConforms(delivery, "TRANSACTION.SUCCESS", Transaction.class);

    Transaction queried = sdk.jsapi.queryOrderByOutTradeNo(query(no));
    assertThat(queried.getTradeState()).isEqualTo(Transaction.TradeStateEnum.SUCCESS);
    assertThat(queried.getTransactionId()).isEqualTo(paid.getTransactionId());
    assertThat(queried.getSuccessTime()).isEqualTo(paid.getSuccessTime());
    signedJson(Transaction.class);
  }

  @Test
  void refundRefundQueryAndRefundNotificationAreWhatTheSdkExpects() throws Exception {
    String no = paidOrder(3990);
    inbox.next("/pay/" + no, PATIENCE);
    String refundNo = "RD" + no;

    Refund refund = sdk.refunds.create(refund(no, refundNo, 1000, 3990));
    assertThat(refund.getOutRefundNo()).isEqualTo(refundNo);
    assertThat(refund.getAmount().getRefund()).isEqualTo(1000);
    signedJson(Refund.class);

    Delivery delivery = inbox.next("/refund/" + refundNo, PATIENCE);
    RefundNotification settled = parse(delivery, RefundNotification.class);
    assertThat(settled.getRefundStatus()).isEqualTo(Status.SUCCESS);
    assertThat(settled.getOutTradeNo()).isEqualTo(no);
    assertThat(settled.getAmount().getRefund()).isEqualTo(1000);
    assertThat(settled.getAmount().getTotal()).isEqualTo(3990);
    notificationConforms(delivery, "REFUND.SUCCESS", RefundNotification.class);

    Refund found = sdk.refunds.queryByOutRefundNo(refundQuery(refundNo));
    assertThat(found.getStatus()).isEqualTo(Status.SUCCESS);
    assertThat(found.getRefundId()).isEqualTo(refund.getRefundId());
    signedJson(Refund.class);

    // The same refund number again with the same amount is the same refund, paid out once.
    assertThat(sdk.refunds.create(refund(no, refundNo, 1000, 3990)).getRefundId()).isEqualTo(refund.getRefundId());
    assertThat(wechat.timesPaidOut(refundNo)).isEqualTo(1);
  }

  @Test
  void abnormalRefundNotificationIsWhatTheSdkExpects() throws Exception {
    wechat.refundsEndAbnormal(true);
    String no = paidOrder(2990);
    inbox.next("/pay/" + no, PATIENCE);
    sdk.refunds.create(refund(no, "RF" + no, 2990, 2990));

    Delivery delivery = inbox.next("/refund/RF" + no, PATIENCE);
    assertThat(parse(delivery, RefundNotification.class).getRefundStatus()).isEqualTo(Status.ABNORMAL);
    notificationConforms(delivery, "REFUND.ABNORMAL", RefundNotification.class);
    Refund found = sdk.refunds.queryByOutRefundNo(refundQuery("RF" + no));
    assertThat(found.getStatus()).isEqualTo(Status.ABNORMAL);
    signedJson(Refund.class);
  }

  @Test
  void edgeCasesAreAnsweredAsWechatDocumentsThem() throws Exception {
    String unknown = outTradeNo();
    refused(() -> sdk.jsapi.closeOrder(close(unknown)), 404, "ORDER_NOT_EXIST");
    refused(() -> sdk.jsapi.queryOrderByOutTradeNo(query(unknown)), 404, "ORDER_NOT_EXIST");
    refused(() -> sdk.refunds.create(refund(unknown, "RF" + unknown, 100, 100)), 404, "RESOURCE_NOT_EXISTS");
    refused(() -> sdk.refunds.queryByOutRefundNo(refundQuery("RF" + unknown)), 404, "RESOURCE_NOT_EXISTS");

    String no = paidOrder(3990);
    inbox.next("/pay/" + no, PATIENCE);
    refused(() -> sdk.jsapi.closeOrder(close(no)), 400, "ORDERPAID");
    JsonNode above = refused(() -> sdk.refunds.create(refund(no, "RF" + no, 3991, 3990)), 400, "PARAM_ERROR");
    assertThat(above.path("detail").path("field").asString()).isEqualTo("/amount/refund");
    refused(() -> sdk.refunds.create(refund(no, "RF" + no, 3990, 4000)), 400, "INVALID_REQUEST");

    sdk.refunds.create(refund(no, "RD" + no, 3000, 3990));
    refused(() -> sdk.refunds.create(refund(no, "RD" + no, 1000, 3990)), 400, "INVALID_REQUEST");
    // 3,000 of 3,990 went back already: another 1,000 is more than is left.
    refused(() -> sdk.refunds.create(refund(no, "RF" + no, 1000, 3990)), 400, "INVALID_REQUEST");
    assertThat(wechat.timesPaidOut("RF" + no)).isZero();
  }

  @Test
  void prepaysThatWechatRefusesAreRefusedWithTheField() {
    fieldRefused(r -> r.setDescription(null), "/description");
    fieldRefused(r -> r.setDescription(""), "/description");
    fieldRefused(r -> r.setDescription("橘".repeat(128)), "/description");
    // API v3 takes only characters of 1-3 UTF-8 bytes.
    fieldRefused(r -> r.setDescription("Mandarins \uD83C\uDF4A"), "/description");
    fieldRefused(r -> r.setOutTradeNo("FG-1"), "/out_trade_no");
    fieldRefused(r -> r.setOutTradeNo("FG 1-2-3"), "/out_trade_no");
    fieldRefused(r -> r.setOutTradeNo("FG-" + "1".repeat(30)), "/out_trade_no");
    fieldRefused(r -> r.setNotifyUrl(null), "/notify_url");
    fieldRefused(r -> r.setNotifyUrl("http://merchant.example.com/notify"), "/notify_url");
    fieldRefused(r -> r.setNotifyUrl("https://merchant.example.com/notify?order=1"), "/notify_url");
    fieldRefused(r -> r.getAmount().setTotal(0), "/amount/total");
    fieldRefused(r -> r.getAmount().setCurrency("USD"), "/amount/currency");
    fieldRefused(r -> r.setPayer(null), "/payer/openid");
    fieldRefused(r -> r.setTimeExpire("2026-12-01T12:00:00Z"), "/time_expire");
    fieldRefused(r -> r.setAppid(null), "/appid");

    // At the limits: 127 characters, https to a public name (never paid here, so never posted to).
    String no = outTradeNo();
    sdk.jsapi.prepay(prepay(no, 1, r -> {
      r.setDescription("橘".repeat(127));
      r.setNotifyUrl("https://merchant.example.com/notify");
    }));
    signedJson(PrepayResponse.class);
  }

  @Test
  void loopbackHttpNotifyUrlsAreOnlyTakenWithTheTestSwitch() {
    try (FakeWechat strict = FakeWechat.start(0)) {
      OfficialSdk strictSdk = new OfficialSdk(strict);
      ServiceException e = catchThrowableOfType(ServiceException.class,
          () -> strictSdk.jsapi.prepay(prepay(outTradeNo(), 100, r -> r.setAppid(strictAppId(strict)))));
      assertThat(e.getErrorCode()).isEqualTo("PARAM_ERROR");
      assertThat(e.getResponseBody()).contains("/notify_url");
    }
  }

  // ---- requests as flashgroup makes them ----

  private static String outTradeNo() {
    return "FG-" + ORDERS.incrementAndGet() + "-" + System.nanoTime() % 1_000_000;
  }

  private static String strictAppId(FakeWechat other) {
    return other.appSettings().get("flashgroup.wechat.app-id");
  }

  private PrepayRequest prepay(String outTradeNo, int total, Consumer<PrepayRequest> change) {
    PrepayRequest request = new PrepayRequest();
    request.setAppid(wechat.appSettings().get("flashgroup.wechat.app-id"));
    request.setMchid(sdk.mchId());
    request.setDescription("砂糖橘 5 kg");
    request.setOutTradeNo(outTradeNo);
    request.setTimeExpire(OffsetDateTime.now(ZoneOffset.ofHours(8)).plusMinutes(5).withNano(0)
        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    request.setNotifyUrl(inbox.url("/pay/" + outTradeNo));
    Amount amount = new Amount();
    amount.setTotal(total);
    amount.setCurrency("CNY");
    request.setAmount(amount);
    Payer payer = new Payer();
    payer.setOpenid("o-sdk");
    request.setPayer(payer);
    change.accept(request);
    return request;
  }

  private String paidOrder(int total) {
    String no = outTradeNo();
    sdk.jsapi.prepay(prepay(no, total, r -> {}));
    wechat.payNow(no);
    return no;
  }

  private QueryOrderByOutTradeNoRequest query(String outTradeNo) {
    QueryOrderByOutTradeNoRequest request = new QueryOrderByOutTradeNoRequest();
    request.setOutTradeNo(outTradeNo);
    request.setMchid(sdk.mchId());
    return request;
  }

  private CloseOrderRequest close(String outTradeNo) {
    CloseOrderRequest request = new CloseOrderRequest();
    request.setOutTradeNo(outTradeNo);
    request.setMchid(sdk.mchId());
    return request;
  }

  private CreateRequest refund(String outTradeNo, String outRefundNo, long refund, long total) {
    CreateRequest request = new CreateRequest();
    request.setOutTradeNo(outTradeNo);
    request.setOutRefundNo(outRefundNo);
    request.setNotifyUrl(inbox.url("/refund/" + outRefundNo));
    AmountReq amount = new AmountReq();
    amount.setRefund(refund);
    amount.setTotal(total);
    amount.setCurrency("CNY");
    request.setAmount(amount);
    return request;
  }

  private static QueryByOutRefundNoRequest refundQuery(String outRefundNo) {
    QueryByOutRefundNoRequest request = new QueryByOutRefundNoRequest();
    request.setOutRefundNo(outRefundNo);
    return request;
  }

  // ---- what an answer and a notification must look like ----

  private void signedJson(Class<?> model) {
    OfficialSdk.Answer answer = sdk.lastAnswer();
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.headerNames()).containsAll(SIGNED_ANSWER_HEADERS);
    assertThat(answer.headers()).anySatisfy(h -> {
      assertThat(h.getKey()).isEqualTo("Content-Type");
      assertThat(h.getValue()).startsWith("application/json");
    });
    assertThat(SdkShape.differences(answer.body(), model, Set.of())).isEmpty();
  }

  private void signedNoContent() {
    OfficialSdk.Answer answer = sdk.lastAnswer();
    assertThat(answer.status()).isEqualTo(204);
    assertThat(answer.body()).isEmpty();
    assertThat(answer.headerNames()).containsAll(SIGNED_ANSWER_HEADERS);
    assertThat(answer.headerNames()).noneMatch(name -> name.equalsIgnoreCase("Content-Type"));
  }

  /** A refusal: the status, WeChat's code, a message, and the body for a closer look. */
  private JsonNode refused(Runnable call, int status, String code) {
    ServiceException e = catchThrowableOfType(ServiceException.class, call::run);
    assertThat(e).as("refused with " + code).isNotNull();
    assertThat(e.getHttpStatusCode()).isEqualTo(status);
    assertThat(e.getErrorCode()).isEqualTo(code);
    JsonNode body = JSON.readTree(e.getResponseBody());
    assertThat(body.path("message").isString()).isTrue();
    assertThat(sdk.lastAnswer().headerNames()).contains("Request-ID");
    return body;
  }

  private void fieldRefused(Consumer<PrepayRequest> change, String field) {
    JsonNode body = refused(() -> sdk.jsapi.prepay(prepay(outTradeNo(), 100, change)), 400, "PARAM_ERROR");
    assertThat(body.path("detail").path("field").asString()).as(body.toString()).isEqualTo(field);
    assertThat(body.path("detail").path("location").asString()).isEqualTo("body");
  }

  private <T> T parse(Delivery delivery, Class<T> type) {
    RequestParam param = new RequestParam.Builder()
        .serialNumber(delivery.header("Wechatpay-Serial"))
        .nonce(delivery.header("Wechatpay-Nonce"))
        .signature(delivery.header("Wechatpay-Signature"))
        .timestamp(delivery.header("Wechatpay-Timestamp"))
        .signType(delivery.header("Wechatpay-Signature-Type"))
        .body(delivery.body())
        .build();
    return sdk.notifications.parse(param, type);
  }

  private void notificationConforms(Delivery delivery, String eventType, Class<?> resource) {
    assertThat(delivery.headers().stream().map(java.util.Map.Entry::getKey)).containsAll(NOTIFICATION_HEADERS);
    assertThat(delivery.header("Content-Type")).startsWith("application/json");
    assertThat(SdkShape.differences(delivery.body(), Notification.class, Set.of())).isEmpty();
    assertThat(JSON.readTree(delivery.body()).path("event_type").asString()).isEqualTo(eventType);
    String plaintext = parse(delivery, JsonObject.class).toString();
    assertThat(SdkShape.differences(plaintext, resource, DOCUMENTED_BEYOND_THE_SDK)).isEmpty();
  }
}
