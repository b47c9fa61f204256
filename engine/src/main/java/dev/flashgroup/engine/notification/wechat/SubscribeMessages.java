package dev.flashgroup.engine.notification.wechat;

import cn.binarywang.wx.miniapp.api.WxMaService;
import cn.binarywang.wx.miniapp.bean.WxMaSubscribeMessage;
import dev.flashgroup.engine.buyer.Buyers;
import dev.flashgroup.engine.notification.Notice;
import dev.flashgroup.engine.notification.NotificationFailed;
import dev.flashgroup.engine.notification.NotificationSettings;
import dev.flashgroup.engine.notification.Notifications;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import me.chanjar.weixin.common.error.WxErrorException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reminders as WeChat mini-program subscribe messages (订阅消息), through WxJava's
 * {@code WxMaSubscribeService}: blocking, so on {@code boundedElastic}. The recipient's openid is
 * the one it signed in with; a subject that never signed in through the mini-program is unreachable.
 * The template's keywords: {@code character_string1} the order, {@code time2} the window's start,
 * {@code time3} its end, {@code thing4} what the reminder is about.
 */
@Component
@ConditionalOnProperty(name = "flashgroup.notifications.channel", havingValue = "wechat")
class SubscribeMessages implements Notifications {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
  private static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");

  private final WxMaService wx;
  private final Buyers buyers;
  private final NotificationSettings settings;

  SubscribeMessages(WxMaService wx, Buyers buyers, NotificationSettings settings) {
    if (settings.templateId() == null || settings.templateId().isBlank()) {
      throw new IllegalStateException("flashgroup.notifications.template-id (FLASHGROUP_NOTIFICATIONS_TEMPLATE_ID)"
          + " must be set to send WeChat subscribe messages");
    }
    this.wx = wx;
    this.buyers = buyers;
    this.settings = settings;
  }

  @Override
  public Mono<Delivery> send(Notice notice) {
    return buyers.openIdOf(notice.recipient())
        .flatMap(openId -> Mono.fromCallable(() -> {
              wx.getSubscribeService().sendSubscribeMsg(message(openId, notice));
              return Delivery.SENT;
            })
            .subscribeOn(Schedulers.boundedElastic())
            .onErrorMap(WxErrorException.class, e -> new NotificationFailed("WeChat refused the subscribe message"
                + " for order " + notice.orderId() + ": " + e.getError().getErrorCode(), e)))
        .defaultIfEmpty(Delivery.UNREACHABLE);
  }

  private WxMaSubscribeMessage message(String openId, Notice n) {
    WxMaSubscribeMessage message = WxMaSubscribeMessage.builder()
        .toUser(openId)
        .templateId(settings.templateId())
        .page(settings.page().replace("{orderId}", n.orderId()))
        .miniprogramState(settings.miniProgramState())
        .lang("zh_CN")
        .build();
    message.addData(new WxMaSubscribeMessage.MsgData("character_string1", n.orderId()));
    message.addData(new WxMaSubscribeMessage.MsgData("time2", TIME.format(n.from().atZone(CHINA))));
    message.addData(new WxMaSubscribeMessage.MsgData("time3", TIME.format(n.to().atZone(CHINA))));
    message.addData(new WxMaSubscribeMessage.MsgData("thing4",
        n.kind() == Notice.Kind.WINDOW_START ? "您的商品可以提货了" : "提货即将截止，请尽快提货"));
    return message;
  }
}
