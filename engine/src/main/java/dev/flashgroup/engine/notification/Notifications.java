package dev.flashgroup.engine.notification;

import reactor.core.publisher.Mono;

/**
 * The notification port: tells one person about their pickup. Two adapters: WeChat mini-program
 * subscribe messages ({@code notification/wechat}) and a sandbox that records what it would send
 * ({@link SandboxNotifications}, the default). Choose with {@code flashgroup.notifications.channel}.
 */
public interface Notifications {

  /**
   * Sends the notice: {@link Delivery#SENT} once the channel accepted it, {@link Delivery#UNREACHABLE}
   * when the recipient has no address on this channel (nothing to retry). Fails with
   * {@link NotificationFailed} when the channel did not accept it (the caller retries).
   */
  Mono<Delivery> send(Notice notice);

  /** What became of a notice the channel was asked to send. */
  enum Delivery { SENT, UNREACHABLE }
}
