package dev.flashgroup.api.leader;

import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.leader.Leader;
import dev.flashgroup.engine.leader.Leaders;
import dev.flashgroup.engine.pickup.PickupPoints;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The LEADER role lives in a token until it expires, so every leader endpoint asks MySQL whether
 * the subject still leads: a suspended leader is refused at once (403 {@code LEADER_SUSPENDED}),
 * a subject who never led with 403 {@code NOT_A_LEADER}.
 */
@Component
public class ActiveLeaders {

  private final Leaders leaders;

  ActiveLeaders(Leaders leaders) {
    this.leaders = leaders;
  }

  /** {@code then} for the subject's leader record when it is active, else the refusal. */
  public <T> Mono<ResponseEntity<T>> asLeader(String subject, Function<Leader, Mono<ResponseEntity<T>>> then) {
    return leaders.find(subject)
        .flatMap(leader -> leader.active() ? then.apply(leader)
            : Mono.just(Problems.<T>response(HttpStatus.FORBIDDEN, "LEADER_SUSPENDED",
                "Your leadership is suspended: " + leader.suspendedReason())))
        .switchIfEmpty(Mono.fromSupplier(() -> Problems.response(HttpStatus.FORBIDDEN, "NOT_A_LEADER", "You are not a leader")));
  }

  /** {@code then} for an existing leader, active or suspended (what an admin looks at); else 404. */
  public <T> Mono<ResponseEntity<T>> anyLeader(String subject, Function<Leader, Mono<ResponseEntity<T>>> then) {
    Mono<Leader> found = PickupPoints.SUBJECT.matcher(subject).matches()
        ? leaders.find(subject) : Mono.empty();
    return found.flatMap(then).switchIfEmpty(Mono.fromSupplier(() -> Problems.notFound("leader", subject)));
  }
}
