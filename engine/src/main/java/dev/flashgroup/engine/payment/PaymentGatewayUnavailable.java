package dev.flashgroup.engine.payment;

/**
 * The payment provider answered with an error or could not be reached: nothing was agreed, and the
 * same request may be tried again. {@code code} names the provider's failure for the caller (e.g.
 * {@code WECHAT_UNAVAILABLE}); the provider SDK's own exception is only the cause.
 */
public class PaymentGatewayUnavailable extends RuntimeException {

  private final String code;

  public PaymentGatewayUnavailable(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
