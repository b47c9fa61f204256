package dev.flashgroup.engine.buyer;

import static dev.flashgroup.engine.kernel.SqlTime.utc;

import io.r2dbc.spi.Readable;
import java.time.Clock;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Buyers known by their WeChat identity. The unionid (same person across the developer's apps)
 * wins over the openid when WeChat sends one; unique keys make concurrent first logins of the same
 * person end with one row.
 */
@Component
public class Buyers {

  private static final String COLUMNS = "SELECT id, openid, unionid FROM buyers WHERE ";

  private final DatabaseClient db;
  private final Clock clock;

  Buyers(DatabaseClient db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Finds the buyer with this identity, creating them on their first login. */
  public Mono<Buyer> signIn(String openId, String unionId) {
    Mono<Buyer> byUnion = unionId == null ? Mono.empty() : findBy("unionid", unionId);
    return byUnion.switchIfEmpty(findBy("openid", openId))
        .switchIfEmpty(Mono.defer(() -> insert(openId, unionId).then(findBy("openid", openId))))
        .flatMap(buyer -> touch(buyer, unionId));
  }

  /** The openid WeChat Pay needs for a JSAPI payment by this subject. */
  public Mono<String> openIdOf(String subject) {
    long id = Buyer.idOf(subject);
    return id < 0 ? Mono.empty() : db.sql(COLUMNS + "id = :id").bind("id", id).map(Buyers::buyer).one()
        .map(Buyer::openId);
  }

  private Mono<Buyer> findBy(String column, String value) {
    return db.sql(COLUMNS + column + " = :value").bind("value", value).map(Buyers::buyer).one();
  }

  private Mono<Void> insert(String openId, String unionId) {
    return db.sql("INSERT INTO buyers (openid, unionid, created_at, last_login_at) VALUES (:openid, :unionid, :now, :now)"
            + " ON DUPLICATE KEY UPDATE last_login_at = VALUES(last_login_at)")
        .bind("openid", openId)
        .bind("unionid", Parameter.fromOrEmpty(unionId, String.class))
        .bind("now", utc(clock.instant()))
        .then();
  }

  private Mono<Buyer> touch(Buyer buyer, String unionId) {
    boolean learnsUnion = buyer.unionId() == null && unionId != null;
    return db.sql("UPDATE buyers SET last_login_at = :now" + (learnsUnion ? ", unionid = :unionid" : "") + " WHERE id = :id")
        .bind("now", utc(clock.instant()))
        .bind("id", buyer.id())
        .bindValues(learnsUnion ? Map.of("unionid", unionId) : Map.of())
        .then()
        .thenReturn(learnsUnion ? new Buyer(buyer.id(), buyer.openId(), unionId) : buyer);
  }

  private static Buyer buyer(Readable row) {
    return new Buyer(row.get("id", Long.class), row.get("openid", String.class), row.get("unionid", String.class));
  }
}
