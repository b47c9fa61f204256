package dev.flashgroup.engine.order.event;

import dev.flashgroup.engine.kernel.ActivityId;

/**
 * reserve.lua took a level of an activity's stock to its safety stock or below (安全库存预警): the
 * activity's stock ({@code pointId} absent) or one pickup point's share. One per crossing: the
 * level alerts again only after units came back above its safety stock. {@code alertId} is
 * deterministic ({@code orderId}, or {@code <orderId>:<pointId>} at a point), so duplicates of the
 * event are one alert. It changes no order, so it carries no snapshot.
 */
public record StockLow(long at, String alertId, ActivityId activityId, @MayBeAbsent Long pointId, String orderId,
    long remaining, long safetyStock) implements OrderEvent {

  @Override
  public <R> R accept(Handler<R> handler) {
    return handler.on(this);
  }
}
