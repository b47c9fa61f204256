package dev.flashgroup.engine.order.event;

/**
 * A stream entry that is not one of the events the scripts write: an unknown type, or data that
 * does not match its type (a field unknown, missing, null or of the wrong kind). Retrying cannot
 * help, so workers dead-letter it; being an {@link IllegalArgumentException}, the transport
 * recognises it as poison without knowing the events.
 */
public class UnreadableEvent extends IllegalArgumentException {

  UnreadableEvent(String message, Throwable cause) {
    super(message, cause);
  }
}
