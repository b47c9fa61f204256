package dev.flashgroup.engine.analytics;

/**
 * What one order or group counts for in {@code sales_daily}, or a difference of two such. An order:
 * one reservation; paid once paid; succeeded once its group succeeded (SUCCEEDED, PICKED_UP or
 * OVERDUE); picked up once handed out; refunded once refunded in full (REFUNDED); one unit and its
 * GMV (the final price, else the price paid) while sold (paid and not refunded in full, as the
 * leader's dashboard counts it); the leader's current commission on it. A group: one succeeded group.
 */
record SalesFigures(long reservations, long paid, long succeeded, long pickedUp, long refunded, long units, long gmv,
    long commission, long groupsSucceeded) {

  static final SalesFigures NONE = new SalesFigures(0, 0, 0, 0, 0, 0, 0, 0, 0);

  SalesFigures plus(SalesFigures o) {
    return new SalesFigures(reservations + o.reservations, paid + o.paid, succeeded + o.succeeded,
        pickedUp + o.pickedUp, refunded + o.refunded, units + o.units, gmv + o.gmv, commission + o.commission,
        groupsSucceeded + o.groupsSucceeded);
  }

  SalesFigures negated() {
    return NONE.minus(this);
  }

  SalesFigures minus(SalesFigures o) {
    return new SalesFigures(reservations - o.reservations, paid - o.paid, succeeded - o.succeeded,
        pickedUp - o.pickedUp, refunded - o.refunded, units - o.units, gmv - o.gmv, commission - o.commission,
        groupsSucceeded - o.groupsSucceeded);
  }

  boolean isNone() {
    return equals(NONE);
  }
}
