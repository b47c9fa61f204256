package dev.flashgroup.api.group;

import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.activity.Activities;
import dev.flashgroup.engine.group.Groups;
import dev.flashgroup.engine.kernel.ActivityId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * What a buyer shares to pull friends into a group, and a leader to bring buyers to an activity:
 * the card the mini-program's share uses, and a poster to save and post. The poster is public (WeChat fetches share images without our token);
 * it names its referrer in the query, as the share card's image URL does. A poster answers with its
 * content version as ETag (a request that names it gets 304, nothing drawn) and is drawn once per
 * version ({@link PosterRenderer}); each client address may fetch a few a second
 * ({@code flashgroup.client-limits.posters-per-second}).
 */
@RestController
class ShareController {

  /** Who opened the group, as a stranger may see them. */
  record Opener(String displayName, String avatarUrl) {}

  record ShareCard(String groupId, String title, String path, int missing, long groupPrice, long soloPrice,
      String status, Instant expiresAt, Opener opener, String imageUrl) {}

  /** An activity's share card: what a leader's materials hand out. */
  record ActivityCard(long activityId, String title, String path, int groupSize, long groupPrice, long soloPrice,
      String status, Instant startsAt, Instant endsAt, String imageUrl) {}

  /**
   * Shared caches may keep a poster briefly (it is public: WeChat fetches it without a token), then
   * ask again with its ETag; its countdown moves by the minute.
   */
  private static final CacheControl POSTER_CACHE = CacheControl.maxAge(Duration.ofSeconds(10)).cachePublic();

  private final Groups groups;
  private final Activities activities;
  private final PosterRenderer posters;
  private final ShareSettings settings;
  private final Clock clock;

  ShareController(Groups groups, Activities activities, PosterRenderer posters, ShareSettings settings, Clock clock) {
    this.groups = groups;
    this.activities = activities;
    this.posters = posters;
    this.settings = settings;
    this.clock = clock;
  }

  @GetMapping("/api/v1/groups/{groupId}/share-card")
  Mono<ResponseEntity<ShareCard>> card(@PathVariable String groupId, JwtAuthenticationToken auth) {
    return share(groupId, sharer(auth))
        .map(s -> ResponseEntity.ok(new ShareCard(s.group().id(), s.title(), s.path(), s.missing(),
            s.activity().groupPrice(), s.activity().soloPrice(), s.group().status(), s.group().deadline(),
            new Opener(GroupController.mask(s.group().leaderId()), settings.defaultAvatarUrl()),
            s.imageUrl())))
        .defaultIfEmpty(Problems.notFound("group", groupId));
  }

  @GetMapping("/api/v1/groups/{groupId}/poster.png")
  // Object, not byte[]: a problem detail must still be written as JSON.
  Mono<ResponseEntity<Object>> poster(@PathVariable String groupId,
      @RequestParam(name = "referrer", required = false) String referrer,
      @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
    return poster(referrer, ifNoneMatch, sharer -> share(groupId, sharer).map(s -> posters.sheet(s, clock.instant())),
        Problems.notFound("group", groupId));
  }

  @GetMapping("/api/v1/activities/{id}/share-card")
  Mono<ResponseEntity<ActivityCard>> activityCard(@PathVariable long id, JwtAuthenticationToken auth) {
    Instant now = clock.instant();
    return activityShare(id, sharer(auth))
        .map(s -> ResponseEntity.ok(new ActivityCard(id, s.title(now), s.path(), s.activity().groupSize(),
            s.activity().groupPrice(), s.activity().soloPrice(), s.status(now).name(), s.activity().startsAt(),
            s.activity().endsAt(), s.imageUrl())))
        .defaultIfEmpty(Problems.notFound("activity", Long.toString(id)));
  }

  @GetMapping("/api/v1/activities/{id}/poster.png")
  Mono<ResponseEntity<Object>> activityPoster(@PathVariable long id,
      @RequestParam(name = "referrer", required = false) String referrer,
      @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
    return poster(referrer, ifNoneMatch,
        sharer -> activityShare(id, sharer).map(s -> posters.sheet(s, clock.instant())),
        Problems.notFound("activity", Long.toString(id)));
  }

  /** The caller, as referrer. An id a poster would refuse is left out rather than handed out in a broken address. */
  private static String sharer(JwtAuthenticationToken auth) {
    return Referrers.valid(auth.getName()) ? auth.getName() : "";
  }

  /**
   * The PNG of the sheet {@code sheet} makes for the referrer (none when left out), once the
   * referrer is one a share may carry; 304 when the client holds this version already.
   */
  private Mono<ResponseEntity<Object>> poster(String referrer, String ifNoneMatch,
      Function<String, Mono<PosterRenderer.Sheet>> sheet, ResponseEntity<Object> missing) {
    if (referrer != null && !Referrers.valid(referrer)) {
      return Mono.just(Problems.response(HttpStatus.BAD_REQUEST, "INVALID_REQUEST",
          "referrer must be 1 to 64 letters, digits or _.@-"));
    }
    return sheet.apply(referrer == null ? "" : referrer)
        .flatMap(s -> {
          String etag = "\"" + posters.version(s) + "\"";
          if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
            return Mono.just(ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).cacheControl(POSTER_CACHE)
                .<Object>build());
          }
          return posters.draw(s).map(poster -> ResponseEntity.ok().contentType(MediaType.IMAGE_PNG).eTag(etag)
              .cacheControl(POSTER_CACHE).<Object>body(poster.png()));
        })
        .defaultIfEmpty(missing)
        .onErrorResume(RejectedExecutionException.class, e -> Mono.just(Problems.response(
            HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", "Too many posters are being drawn; retry shortly")));
  }

  /** Whether an If-None-Match list names {@code etag} (weak or strong, or {@code *}). */
  private static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch.length() > 1_000) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.strip();
      if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }

  private Mono<ActivityShare> activityShare(long id, String sharer) {
    return id <= 0 ? Mono.empty() : activities.find(new ActivityId(id)).map(a -> new ActivityShare(a, sharer, settings));
  }

  private Mono<GroupShare> share(String groupId, String sharer) {
    return groups.find(groupId)
        .flatMap(g -> activities.find(new ActivityId(g.activityId())).map(a -> new GroupShare(g, a, sharer, settings)));
  }
}
