package dev.flashgroup.engine.notification;

/** The channel did not accept a notice (down, refused, or the recipient cannot be reached there). */
public class NotificationFailed extends RuntimeException {

  public NotificationFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
