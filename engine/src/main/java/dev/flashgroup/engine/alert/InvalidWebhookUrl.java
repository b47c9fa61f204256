package dev.flashgroup.engine.alert;

/** A webhook URL flashgroup will not call: not http(s), too long, malformed or (in production) not public. */
public final class InvalidWebhookUrl extends RuntimeException {

  public InvalidWebhookUrl(String message) {
    super(message);
  }
}
