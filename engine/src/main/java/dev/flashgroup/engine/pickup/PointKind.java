package dev.flashgroup.engine.pickup;

/** What a pickup point is: where a buyer goes to collect. */
public enum PointKind { CONVENIENCE_STORE, PARCEL_STATION, LOCKER, PROPERTY_OFFICE, HOME }
