package dev.flashgroup.engine.payment.wechat;

import java.util.concurrent.Callable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** WxJava blocks on HTTP: every call to it goes through here, onto boundedElastic. */
final class Blocking {

  private Blocking() {}

  static <T> Mono<T> call(Callable<T> call) {
    return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
  }

  static Mono<Void> run(BlockingRunnable run) {
    return Mono.<Void>fromCallable(() -> {
      run.run();
      return null;
    }).subscribeOn(Schedulers.boundedElastic());
  }

  @FunctionalInterface
  interface BlockingRunnable {
    void run() throws Exception;
  }
}
