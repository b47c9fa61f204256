package dev.flashgroup.engine.payment;

/** The gateway cannot take a payment from this buyer at all (e.g. no WeChat account behind the token). */
public class PaymentRefused extends RuntimeException {

  private final String code;

  public PaymentRefused(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
