package dev.flashgroup.engine.pickup;

import java.math.BigDecimal;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * A pickup point as MySQL records it. Coordinates are GCJ-02 (Tencent Map's), opening hours are
 * wall-clock times in {@code zone}. An inactive point takes no new reservations and is never found
 * by a search; orders already made for it still collect there.
 */
public record PickupPoint(long id, String name, String address, PointKind kind, BigDecimal latitude,
    BigDecimal longitude, String phone, LocalTime opensAt, LocalTime closesAt, ZoneId zone, boolean active) {}
