package dev.flashgroup.api.pickup;

import dev.flashgroup.api.web.Problems;
import dev.flashgroup.engine.pickup.PickupPoint;
import dev.flashgroup.engine.pickup.PickupPoints;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Admins record pickup points, change and deactivate them, and bind the staff who act for them. */
@RestController
@RequestMapping("/api/v1/admin/pickup-points")
class PickupPointAdminController {

  /** The subject of a STAFF token (or a leader's) that acts for the point. */
  record StaffRequest(String subject) {}

  record StaffResponse(long pointId, String subject, List<String> staff) {}

  private final PickupPoints points;

  PickupPointAdminController(PickupPoints points) {
    this.points = points;
  }

  @PostMapping
  Mono<ResponseEntity<PointResponse>> create(@RequestBody PointRequest request) {
    return points.create(request.toDraft())
        .map(p -> ResponseEntity.created(URI.create("/api/v1/admin/pickup-points/" + p.id()))
            .body(PointResponse.of(p, List.of())));
  }

  @GetMapping
  Flux<PointResponse> list() {
    return points.list().map(p -> PointResponse.of(p, null));
  }

  @GetMapping("/{id}")
  Mono<ResponseEntity<PointResponse>> show(@PathVariable long id) {
    return withStaff(points.find(id)).defaultIfEmpty(Problems.notFound("pickup point", Long.toString(id)));
  }

  @PutMapping("/{id}")
  Mono<ResponseEntity<PointResponse>> update(@PathVariable long id, @RequestBody PointRequest request) {
    return withStaff(points.update(id, request.toDraft()))
        .defaultIfEmpty(Problems.notFound("pickup point", Long.toString(id)));
  }

  @PostMapping("/{id}/deactivation")
  Mono<ResponseEntity<PointResponse>> deactivate(@PathVariable long id) {
    return withStaff(points.deactivate(id)).defaultIfEmpty(Problems.notFound("pickup point", Long.toString(id)));
  }

  /** 201 when the subject is newly bound, 200 when it already was. */
  @PostMapping("/{id}/staff")
  Mono<ResponseEntity<StaffResponse>> bindStaff(@PathVariable long id, @RequestBody StaffRequest request) {
    return points.bindStaff(id, request.subject())
        .flatMap(created -> points.staffOf(id).collectList()
            .map(staff -> ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
                .body(new StaffResponse(id, request.subject(), staff))))
        .defaultIfEmpty(Problems.notFound("pickup point", Long.toString(id)));
  }

  private Mono<ResponseEntity<PointResponse>> withStaff(Mono<PickupPoint> point) {
    return point.flatMap(p -> points.staffOf(p.id()).collectList().map(staff -> ResponseEntity.ok(PointResponse.of(p, staff))));
  }
}
