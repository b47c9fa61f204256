package dev.flashgroup.api.progress;

import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.activity.Activities;
import dev.flashgroup.engine.kernel.ActivityId;
import dev.flashgroup.engine.progress.ProgressFeeds;
import dev.flashgroup.engine.progress.ProgressSettings;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Server-Sent Events: a group filling up ({@code event: group}) and an activity's stock and groups
 * formed ({@code event: activity}). The first frame is a snapshot; comments keep idle connections
 * open. A group's stream ends after the frame that settles it.
 */
@RestController
class ProgressEventsController {

  private final ProgressFeeds feeds;
  private final Activities activities;
  /**
   * One ticker for every stream of this instance: a client that leaves unsubscribes from it and
   * cancels no timer of its own (a thousand timers cancelled at once contend on the scheduler's lock).
   */
  private final Flux<Long> heartbeats;

  ProgressEventsController(ProgressFeeds feeds, Activities activities, ProgressSettings settings) {
    this.feeds = feeds;
    this.activities = activities;
    this.heartbeats = Flux.interval(settings.heartbeat(), settings.heartbeat(), Schedulers.parallel())
        .onBackpressureDrop()
        .publish()
        .autoConnect();
  }

  @GetMapping("/api/v1/groups/{groupId}/events")
  Mono<ResponseEntity<Flux<ServerSentEvent<Object>>>> group(@PathVariable String groupId) {
    return feeds.snapshot(groupId)
        .publishOn(Schedulers.parallel())
        .map(known -> stream(feeds.group(groupId).map(g -> frame("group", Long.toString(g.version()), g))))
        .defaultIfEmpty(Problems.notFound("group", groupId));
  }

  @GetMapping("/api/v1/activities/{id}/events")
  Mono<ResponseEntity<Flux<ServerSentEvent<Object>>>> activity(@PathVariable long id) {
    if (id <= 0) {
      return Mono.just(Problems.notFound("activity", Long.toString(id)));
    }
    return activities.find(new ActivityId(id))
        .map(a -> stream(feeds.activity(a.id(), a.stock()).map(p -> frame("activity", null, p))))
        .defaultIfEmpty(Problems.notFound("activity", Long.toString(id)));
  }

  private static ServerSentEvent<Object> frame(String event, String id, Object data) {
    var frame = ServerSentEvent.builder(data).event(event);
    return (id == null ? frame : frame.id(id)).build();
  }

  /** The frames with heartbeats in between, until the frames end. */
  private ResponseEntity<Flux<ServerSentEvent<Object>>> stream(Flux<ServerSentEvent<Object>> frames) {
    Flux<ServerSentEvent<Object>> withHeartbeats = frames.publish(shared -> Flux.merge(shared,
        heartbeats.onBackpressureDrop()
            .map(n -> ServerSentEvent.builder().comment("heartbeat").build())
            .takeUntilOther(shared.ignoreElements())));
    return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(withHeartbeats);
  }
}
