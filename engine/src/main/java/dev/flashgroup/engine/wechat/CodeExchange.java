package dev.flashgroup.engine.wechat;

/** What WeChat's code2session made of a {@code wx.login()} code. */
public sealed interface CodeExchange {

  /** The WeChat user behind the code; {@code unionId} is null unless the app is bound to an open platform account. */
  record Session(String openId, String unionId) implements CodeExchange {}

  /** WeChat did not accept the code: unknown, expired, used before, or of a blocked user. */
  record Refused(int errorCode, String reason) implements CodeExchange {}
}
