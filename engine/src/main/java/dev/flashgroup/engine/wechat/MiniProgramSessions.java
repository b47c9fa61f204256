package dev.flashgroup.engine.wechat;

import cn.binarywang.wx.miniapp.api.WxMaService;
import cn.binarywang.wx.miniapp.bean.WxMaJscode2SessionResult;
import java.util.Set;
import me.chanjar.weixin.common.error.WxErrorException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The mini-program's code2session (WxJava, blocking, so on boundedElastic). The session key WeChat
 * sends along is dropped here: it never leaves the server, and nothing of ours needs it.
 */
@Service
public class MiniProgramSessions {

  /** invalid code, code used before, code of a blocked user, missing code: the caller's fault, not ours. */
  private static final Set<Integer> REFUSED_CODES = Set.of(40029, 40163, 40226, 41008);

  private final ObjectProvider<WxMaService> wechat;

  MiniProgramSessions(ObjectProvider<WxMaService> wechat) {
    this.wechat = wechat;
  }

  /** Whether this instance is set up to log buyers in through the mini-program. */
  public boolean configured() {
    return wechat.getIfAvailable() != null;
  }

  /**
   * Exchanges a code for the user's session; fails with {@link WechatUnavailable} when WeChat could
   * not answer, and with {@link IllegalStateException} when the mini-program is not configured.
   */
  public Mono<CodeExchange> exchange(String code) {
    WxMaService service = wechat.getIfAvailable();
    if (service == null) {
      return Mono.error(new IllegalStateException("the mini-program is not configured (flashgroup.wechat.app-secret)"));
    }
    return Mono.fromCallable(() -> service.getUserService().getSessionInfo(code))
        .subscribeOn(Schedulers.boundedElastic())
        .map(MiniProgramSessions::session)
        .onErrorResume(WxErrorException.class, e -> REFUSED_CODES.contains(e.getError().getErrorCode())
            ? Mono.just(new CodeExchange.Refused(e.getError().getErrorCode(), e.getError().getErrorMsg()))
            : Mono.error(new WechatUnavailable("WeChat code2session failed: " + e.getError().getErrorCode(), e)));
  }

  private static CodeExchange session(WxMaJscode2SessionResult session) {
    String unionId = session.getUnionid() == null || session.getUnionid().isBlank() ? null : session.getUnionid();
    return new CodeExchange.Session(session.getOpenid(), unionId);
  }
}
