package dev.flashgroup.api.pickup;

import dev.flashgroup.engine.pickup.PointDraft;
import java.math.BigDecimal;

/** A pickup point as an admin sends it; the engine's {@link PointDraft} checks every field. */
record PointRequest(String name, String address, String kind, BigDecimal latitude, BigDecimal longitude, String phone,
    String opensAt, String closesAt, String zone) {

  PointDraft toDraft() {
    return new PointDraft(name, address, kind, latitude, longitude, phone, opensAt, closesAt, zone);
  }
}
