package dev.flashgroup.engine.analytics;

/** What a ranking ranks. */
public enum RankingBy {
  ACTIVITY, MERCHANT, POINT
}
