package dev.flashgroup.api.auth;

import dev.flashgroup.api.web.InvalidField;
import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.buyer.LoginOutcome;
import dev.flashgroup.engine.buyer.WechatLogin;
import dev.flashgroup.engine.leader.Leaders;
import java.time.Instant;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Mini-program login: {@code wx.login()}'s code in, our token out. The WeChat session key stays on
 * the server (it is not even kept: nothing here decrypts user data).
 */
@RestController
class WechatLoginController {

  record LoginRequest(String code) {}

  record LoginResponse(String token, Instant expiresAt, String buyerId, String tokenType) {}

  private static final Pattern CODE = Pattern.compile("[\\x21-\\x7e]{1,128}");

  private final WechatLogin login;
  private final TokenIssuer tokens;
  private final Leaders leaders;

  WechatLoginController(WechatLogin login, TokenIssuer tokens, Leaders leaders) {
    this.login = login;
    this.tokens = tokens;
    this.leaders = leaders;
  }

  @PostMapping("/api/v1/auth/wechat")
  Mono<ResponseEntity<LoginResponse>> login(@RequestBody LoginRequest request) {
    // wx.login() codes are 32 printable characters; anything else never reaches WeChat.
    if (request.code() == null || !CODE.matcher(request.code()).matches()) {
      return Mono.error(new InvalidField("code", "must be 1-128 printable ASCII characters from wx.login()"));
    }
    return login.login(request.code()).flatMap(this::respond);
  }

  private Mono<ResponseEntity<LoginResponse>> respond(LoginOutcome outcome) {
    if (outcome instanceof LoginOutcome.SignedIn signedIn) {
      String subject = signedIn.buyer().subject();
      return leaders.leads(subject).map(leads -> {
        TokenIssuer.Issued issued = tokens.buyer(subject, leads);
        return ResponseEntity.ok(new LoginResponse(issued.token(), issued.expiresAt(), subject, "Bearer"));
      });
    }
    return Mono.just(refused(outcome));
  }

  private ResponseEntity<LoginResponse> refused(LoginOutcome outcome) {
    if (outcome instanceof LoginOutcome.BadCode bad) {
      return Problems.response(HttpStatus.UNAUTHORIZED, "INVALID_CODE",
          "WeChat did not accept the login code (" + bad.errorCode() + " " + bad.reason() + "); call wx.login() again");
    }
    return Problems.response(HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", "WeChat login is not configured here");
  }
}
