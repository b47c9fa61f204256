package dev.flashgroup.engine.wechat;

/**
 * WeChat answered with an error that is not the caller's fault (a bad secret, a quota reached, ...);
 * the same request may be tried again. Carries WxJava's failure as its cause, so no caller needs
 * WxJava.
 */
public class WechatUnavailable extends RuntimeException {

  public WechatUnavailable(String message, Throwable cause) {
    super(message, cause);
  }
}
