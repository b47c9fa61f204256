package dev.flashgroup.engine.pickup;

import java.math.BigDecimal;

/**
 * A point found near a place, with its distance in metres as Redis' GEO model measures it;
 * {@code remaining} is the activity's free units there when the search was for an activity, else null.
 */
public record NearbyPoint(long id, String name, String address, PointKind kind, double distanceM,
    BigDecimal latitude, BigDecimal longitude, Integer remaining) {}
