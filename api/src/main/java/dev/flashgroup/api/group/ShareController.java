package dev.flashgroup.api.group;

import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.activity.Activities;
import dev.flashgroup.engine.group.Groups;
import dev.flashgroup.engine.kernel.ActivityId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * What a buyer shares to pull friends into a group: the card the mini-program's share uses, and a
 * poster to save and post. The poster is public (WeChat fetches share images without our token);
 * it names its referrer in the query, as the share card's image URL does.
 */
@RestController
class ShareController {

  /** Who opened the group, as a stranger may see them. */
  record Opener(String displayName, String avatarUrl) {}

  record ShareCard(String groupId, String title, String path, int missing, long groupPrice, long soloPrice,
      String status, Instant expiresAt, Opener opener, String imageUrl) {}

  private static final Pattern REFERRER = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");

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
    // An id a poster would refuse as referrer is left out rather than handed out in a broken image address.
    String sharer = validReferrer(auth.getName()) ? auth.getName() : "";
    return share(groupId, sharer)
        .map(s -> ResponseEntity.ok(new ShareCard(s.group().id(), s.title(), s.path(), s.missing(),
            s.activity().groupPrice(), s.activity().soloPrice(), s.group().status(), s.group().deadline(),
            new Opener(GroupController.mask(s.group().leaderId()), settings.defaultAvatarUrl()),
            s.imageUrl())))
        .defaultIfEmpty(Problems.notFound("group", groupId));
  }

  @GetMapping("/api/v1/groups/{groupId}/poster.png")
  // Object, not byte[]: a problem detail must still be written as JSON.
  Mono<ResponseEntity<Object>> poster(@PathVariable String groupId,
      @RequestParam(name = "referrer", required = false) String referrer) {
    if (referrer != null && !validReferrer(referrer)) {
      return Mono.just(Problems.response(HttpStatus.BAD_REQUEST, "INVALID_REQUEST",
          "referrer must be 1 to 64 letters, digits or _.@-"));
    }
    return share(groupId, referrer == null ? "" : referrer)
        .flatMap(s -> posters.draw(s, clock.instant()))
        .map(png -> ResponseEntity.ok().contentType(MediaType.IMAGE_PNG)
            .cacheControl(CacheControl.maxAge(Duration.ofSeconds(10))).<Object>body(png))
        .defaultIfEmpty(Problems.notFound("group", groupId))
        .onErrorResume(RejectedExecutionException.class, e -> Mono.just(Problems.response(
            HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", "Too many posters are being drawn; retry shortly")));
  }

  private static boolean validReferrer(String referrer) {
    return REFERRER.matcher(referrer).matches();
  }

  private Mono<GroupShare> share(String groupId, String sharer) {
    return groups.find(groupId)
        .flatMap(g -> activities.find(new ActivityId(g.activityId())).map(a -> new GroupShare(g, a, sharer, settings)));
  }
}
