package dev.flashgroup.wechatfake;

import java.util.Objects;

/** One JSAPI order as the stand-in holds it. Guarded by the {@link FakeWechat} that owns it. */
final class Trade {

  final String appId;
  final String mchId;
  final String outTradeNo;
  final long total;
  final String description;
  /** As the merchant sent it, or null. */
  final String timeExpire;
  final String notifyUrl;
  final String openId;
  final String prepayId;
  String state = "NOTPAY";
  String transactionId;
  String successTime;
  long refunded;
  SignedNotification lastNotification;

  Trade(String appId, String mchId, String outTradeNo, long total, String description, String timeExpire,
      String notifyUrl, String openId, String prepayId) {
    this.appId = appId;
    this.mchId = mchId;
    this.outTradeNo = outTradeNo;
    this.total = total;
    this.description = description;
    this.timeExpire = timeExpire;
    this.notifyUrl = notifyUrl;
    this.openId = openId;
    this.prepayId = prepayId;
  }

  /**
   * Whether a second prepay for this out_trade_no asks the same: WeChat then hands out the prepay
   * again, and refuses a changed amount, payer, description or time_expire.
   */
  boolean sameTerms(Trade other) {
    return total == other.total && openId.equals(other.openId) && description.equals(other.description)
        && Objects.equals(timeExpire, other.timeExpire);
  }
}
