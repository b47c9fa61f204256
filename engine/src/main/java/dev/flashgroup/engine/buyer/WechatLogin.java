package dev.flashgroup.engine.buyer;

import dev.flashgroup.engine.wechat.CodeExchange;
import dev.flashgroup.engine.wechat.MiniProgramSessions;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Mini-program login: the code from {@code wx.login()} goes to WeChat's code2session; the
 * openid/unionid that come back find or create the buyer. WeChat being unreachable fails the login
 * with {@link dev.flashgroup.engine.wechat.WechatUnavailable}.
 */
@Service
public class WechatLogin {

  private final MiniProgramSessions sessions;
  private final Buyers buyers;

  WechatLogin(MiniProgramSessions sessions, Buyers buyers) {
    this.sessions = sessions;
    this.buyers = buyers;
  }

  public Mono<LoginOutcome> login(String code) {
    if (!sessions.configured()) {
      return Mono.just(new LoginOutcome.Unavailable());
    }
    if (code == null || code.isBlank()) {
      return Mono.just(new LoginOutcome.BadCode(41008, "missing code"));
    }
    return sessions.exchange(code).flatMap(this::signIn);
  }

  private Mono<LoginOutcome> signIn(CodeExchange exchange) {
    if (exchange instanceof CodeExchange.Refused refused) {
      return Mono.just(new LoginOutcome.BadCode(refused.errorCode(), refused.reason()));
    }
    CodeExchange.Session session = (CodeExchange.Session) exchange;
    return buyers.signIn(session.openId(), session.unionId()).map(LoginOutcome.SignedIn::new);
  }
}
