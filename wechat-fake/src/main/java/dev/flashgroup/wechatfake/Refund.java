package dev.flashgroup.wechatfake;

/** One refund as the stand-in holds it. Guarded by the {@link FakeWechat} that owns it. */
final class Refund {

  final String outRefundNo;
  final String refundId;
  final Trade trade;
  final long amount;
  final String notifyUrl;
  final String createTime;
  String status = "PROCESSING";
  String successTime;
  int paidOut;

  Refund(String outRefundNo, String refundId, Trade trade, long amount, String notifyUrl, String createTime) {
    this.outRefundNo = outRefundNo;
    this.refundId = refundId;
    this.trade = trade;
    this.amount = amount;
    this.notifyUrl = notifyUrl;
    this.createTime = createTime;
  }
}
