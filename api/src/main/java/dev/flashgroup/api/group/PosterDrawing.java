package dev.flashgroup.api.group;

import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The few threads posters are drawn on, with a bounded queue. Drawing is blocking and CPU-bound
 * and the poster endpoint is public: on the shared {@code boundedElastic} threads a burst of
 * posters would hold up the payment calls and broker declarations that wait for them. Work that
 * finds every thread busy and the queue full fails at once with {@link RejectedExecutionException}.
 */
final class PosterDrawing {

  private final Scheduler threads;

  PosterDrawing(int threads, int queue) {
    this.threads = Schedulers.newBoundedElastic(threads, queue, "posters");
  }

  <T> Mono<T> run(Callable<T> work) {
    return Mono.fromCallable(work).subscribeOn(threads);
  }

  void stop() {
    threads.dispose();
  }
}
