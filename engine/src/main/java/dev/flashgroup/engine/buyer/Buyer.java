package dev.flashgroup.engine.buyer;

/** A buyer who signed in with WeChat. {@link #subject()} is the id orders and tokens carry. */
public record Buyer(long id, String openId, String unionId) {

  public String subject() {
    return "b" + id;
  }

  /** The numeric id inside a subject, or -1 when the subject is not a WeChat buyer's. */
  static long idOf(String subject) {
    if (subject == null || subject.length() < 2 || subject.charAt(0) != 'b') {
      return -1;
    }
    try {
      return Long.parseLong(subject.substring(1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
