package dev.flashgroup.api.pickup;

import dev.flashgroup.engine.pickup.PickupPoint;
import java.math.BigDecimal;
import java.util.List;

/** A pickup point as admins see it; {@code staff} only on the single-point answers. */
record PointResponse(long id, String name, String address, String kind, BigDecimal latitude, BigDecimal longitude,
    String phone, String opensAt, String closesAt, String zone, boolean active, List<String> staff) {

  static PointResponse of(PickupPoint p, List<String> staff) {
    return new PointResponse(p.id(), p.name(), p.address(), p.kind().name(), p.latitude().stripTrailingZeros(),
        p.longitude().stripTrailingZeros(), p.phone(), p.opensAt().toString(), p.closesAt().toString(),
        p.zone().getId(), p.active(), staff);
  }
}
