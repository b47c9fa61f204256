package dev.flashgroup.engine.pickup;

import dev.flashgroup.engine.keys.RedisKeys;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.data.domain.Range;
import org.springframework.data.geo.Distance;
import org.springframework.data.geo.GeoResult;
import org.springframework.data.geo.Point;
import org.springframework.data.redis.connection.RedisGeoCommands.DistanceUnit;
import org.springframework.data.redis.connection.RedisGeoCommands.GeoLocation;
import org.springframework.data.redis.connection.RedisGeoCommands.GeoSearchCommandArgs;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.domain.geo.GeoReference;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The Redis GEO set of active points: what the nearest-point search reads. */
@Component
class PointIndex {

  private final ReactiveStringRedisTemplate redis;
  private final String key;

  PointIndex(ReactiveStringRedisTemplate redis, RedisKeys keys) {
    this.redis = redis;
    this.key = keys.pickupPoints();
  }

  /** Adds the point, or moves it to its new coordinates; an inactive point is taken out. */
  Mono<Void> put(PickupPoint point) {
    if (!point.active()) {
      return remove(point.id());
    }
    return redis.opsForGeo().add(key, location(point)).then();
  }

  Mono<Void> remove(long pointId) {
    return redis.opsForGeo().remove(key, Long.toString(pointId)).then();
  }

  /** GEOSEARCH FROMLONLAT lng lat BYRADIUS r m ASC [COUNT n] WITHDIST WITHCOORD; no COUNT when limit is 0. */
  Flux<GeoResult<GeoLocation<String>>> near(double latitude, double longitude, int radiusM, int limit) {
    var args = GeoSearchCommandArgs.newGeoSearchArgs().includeDistance().includeCoordinates().sortAscending();
    return redis.opsForGeo().search(key, GeoReference.fromCoordinate(longitude, latitude),
        new Distance(radiusM, DistanceUnit.METERS), limit > 0 ? args.limit(limit) : args);
  }

  /**
   * Makes the set hold exactly the given active points: adds (or moves) each, then drops members
   * that are not among them. Never empties the set first, so a search during the rebuild still
   * finds the points that were there.
   */
  Mono<Void> replaceWith(List<PickupPoint> active) {
    Set<String> ids = new HashSet<>();
    active.forEach(p -> ids.add(Long.toString(p.id())));
    Mono<Void> add = active.isEmpty() ? Mono.empty()
        : redis.opsForGeo().add(key, active.stream().map(PointIndex::location).toList()).then();
    Mono<Void> dropStale = redis.opsForZSet().range(key, Range.unbounded())
        .filter(member -> !ids.contains(member))
        .collectList()
        .flatMap(stale -> stale.isEmpty() ? Mono.empty()
            : redis.opsForZSet().remove(key, stale.toArray()).then());
    return add.then(dropStale);
  }

  private static GeoLocation<String> location(PickupPoint p) {
    return new GeoLocation<>(Long.toString(p.id()), new Point(p.longitude().doubleValue(), p.latitude().doubleValue()));
  }
}
