package dev.flashgroup.api.web;

/** A request field, header or parameter the API refuses before anything runs: 400 {@code INVALID_REQUEST}. */
public final class InvalidField extends RuntimeException {

  private final String field;

  public InvalidField(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
