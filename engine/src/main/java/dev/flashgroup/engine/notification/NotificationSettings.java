package dev.flashgroup.engine.notification;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How reminders leave.
 *
 * @param channel {@code sandbox} (records them in MySQL, the default) or {@code wechat}
 *     (mini-program subscribe messages through WxJava; needs {@code flashgroup.wechat.app-secret})
 * @param templateId the subscribe message template (订阅消息模板) a buyer agreed to receive
 * @param page the mini-program page a message opens, {@code {orderId}} replaced by the order's id
 * @param miniProgramState {@code formal}, {@code trial} or {@code developer}: which build the message opens
 */
@ConfigurationProperties("flashgroup.notifications")
public record NotificationSettings(
    @DefaultValue("sandbox") String channel,
    String templateId,
    @DefaultValue("pages/order/index?id={orderId}") String page,
    @DefaultValue("formal") String miniProgramState) {}
