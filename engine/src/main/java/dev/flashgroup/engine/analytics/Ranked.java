package dev.flashgroup.engine.analytics;

/** An activity, merchant or pickup point of a ranking: its id (a number, or a merchant's subject), units sold, GMV in fen. */
public record Ranked(Object id, String name, long units, long gmv) {}
