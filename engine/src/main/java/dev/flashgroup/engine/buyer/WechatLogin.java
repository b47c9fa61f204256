package dev.flashgroup.engine.buyer;

import cn.binarywang.wx.miniapp.api.WxMaService;
import cn.binarywang.wx.miniapp.bean.WxMaJscode2SessionResult;
import java.util.Set;
import me.chanjar.weixin.common.error.WxErrorException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Mini-program login: the code from {@code wx.login()} goes to WeChat's code2session (WxJava,
 * blocking, so on boundedElastic); the openid/unionid that come back find or create the buyer. The
 * session key is dropped here: it never leaves the server, and nothing of ours needs it.
 */
@Service
public class WechatLogin {

  /** invalid code, code used before, code of a blocked user: the caller's fault, not ours. */
  private static final Set<Integer> BAD_CODES = Set.of(40029, 40163, 40226, 41008);

  private final ObjectProvider<WxMaService> wechat;
  private final Buyers buyers;

  WechatLogin(ObjectProvider<WxMaService> wechat, Buyers buyers) {
    this.wechat = wechat;
    this.buyers = buyers;
  }

  public Mono<LoginOutcome> login(String code) {
    WxMaService service = wechat.getIfAvailable();
    if (service == null) {
      return Mono.just(new LoginOutcome.Unavailable());
    }
    if (code == null || code.isBlank()) {
      return Mono.just(new LoginOutcome.BadCode(41008, "missing code"));
    }
    return Mono.fromCallable(() -> service.getUserService().getSessionInfo(code))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(this::signIn)
        .onErrorResume(WxErrorException.class, e -> BAD_CODES.contains(e.getError().getErrorCode())
            ? Mono.just(new LoginOutcome.BadCode(e.getError().getErrorCode(), e.getError().getErrorMsg()))
            : Mono.error(e));
  }

  private Mono<LoginOutcome> signIn(WxMaJscode2SessionResult session) {
    String unionId = session.getUnionid() == null || session.getUnionid().isBlank() ? null : session.getUnionid();
    return buyers.signIn(session.getOpenid(), unionId).map(LoginOutcome.SignedIn::new);
  }
}
