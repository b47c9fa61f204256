package dev.flashgroup.wechatfake;

/** One JSAPI order as the stand-in holds it. Guarded by the {@link FakeWechat} that owns it. */
final class Trade {

  final String appId;
  final String mchId;
  final String outTradeNo;
  final long total;
  final String notifyUrl;
  final String openId;
  final String prepayId;
  String state = "NOTPAY";
  String transactionId;
  String successTime;
  long refunded;
  SignedNotification lastNotification;

  Trade(String appId, String mchId, String outTradeNo, long total, String notifyUrl, String openId, String prepayId) {
    this.appId = appId;
    this.mchId = mchId;
    this.outTradeNo = outTradeNo;
    this.total = total;
    this.notifyUrl = notifyUrl;
    this.openId = openId;
    this.prepayId = prepayId;
  }
}
