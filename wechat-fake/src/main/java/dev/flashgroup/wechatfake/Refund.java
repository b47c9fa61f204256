package dev.flashgroup.wechatfake;

/** One refund as the stand-in holds it. Guarded by the {@link FakeWechat} that owns it. */
final class Refund {

  final String outRefundNo;
  final String refundId;
  final Trade trade;
  final long amount;
  /** The refunded transaction's total, as the merchant named it. */
  final long total;
  final String notifyUrl;
  final String createTime;
  String status = "PROCESSING";
  String successTime;
  int paidOut;

  Refund(String outRefundNo, String refundId, Trade trade, long amount, long total, String notifyUrl,
      String createTime) {
    this.outRefundNo = outRefundNo;
    this.refundId = refundId;
    this.trade = trade;
    this.amount = amount;
    this.total = total;
    this.notifyUrl = notifyUrl;
    this.createTime = createTime;
  }
}
