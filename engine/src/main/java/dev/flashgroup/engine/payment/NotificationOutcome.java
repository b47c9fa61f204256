package dev.flashgroup.engine.payment;

/** How a gateway's notification (WeChat Pay's today) was taken; the web layer answers the gateway accordingly. */
public sealed interface NotificationOutcome {

  /** Processed, or recognised as already processed: WeChat Pay must stop repeating it. */
  record Accepted(String detail) implements NotificationOutcome {}

  /** Not from WeChat Pay, or not for us: nothing was changed. */
  record Rejected(Reason reason, String detail) implements NotificationOutcome {}

  /** Genuine, but it names an order we do not know (yet): WeChat Pay should repeat it later. */
  record UnknownOrder(String outTradeNo) implements NotificationOutcome {}

  enum Reason {
    /** A Wechatpay-* header is missing: 401. */
    MISSING_SIGNATURE,
    /** The signature does not verify with WeChat Pay's public key: 401. */
    BAD_SIGNATURE,
    /** The timestamp is too far from our clock (a replay or a stale copy): 401. */
    STALE_TIMESTAMP,
    /** Signed, but the resource does not decrypt or parse: 400. */
    UNREADABLE,
    /** Another merchant's or another app's payment: 400. */
    FOREIGN
  }
}
