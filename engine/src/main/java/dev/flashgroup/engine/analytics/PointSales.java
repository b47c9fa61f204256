package dev.flashgroup.engine.analytics;

import java.math.BigDecimal;

/** A pickup point's sales over a period: orders sold there and their GMV in fen, with its GCJ-02 coordinates. */
public record PointSales(long pointId, String name, BigDecimal latitude, BigDecimal longitude, long orders, long gmv) {}
