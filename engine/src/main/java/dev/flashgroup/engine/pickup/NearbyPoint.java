package dev.flashgroup.engine.pickup;

import java.math.BigDecimal;

/** A point found near a place, with its distance in metres as Redis' GEO model measures it. */
public record NearbyPoint(long id, String name, String address, PointKind kind, double distanceM,
    BigDecimal latitude, BigDecimal longitude) {}
