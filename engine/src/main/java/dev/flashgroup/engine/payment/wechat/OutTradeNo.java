package dev.flashgroup.engine.payment.wechat;

/**
 * WeChat's out_trade_no for an order: the order id behind a fixed prefix, because WeChat wants at
 * least 6 characters and the first orders' ids ("1-1") are shorter. Reversible, so a notification
 * or a query names its order.
 */
final class OutTradeNo {

  private static final String PREFIX = "FG-";

  private OutTradeNo() {}

  static String of(String orderId) {
    return PREFIX + orderId;
  }

  /** The order id, or null for a number that is not ours. */
  static String orderId(String outTradeNo) {
    return outTradeNo != null && outTradeNo.startsWith(PREFIX) ? outTradeNo.substring(PREFIX.length()) : null;
  }
}
