package dev.flashgroup.engine.analytics;

import java.time.LocalDate;
import java.util.Map;

/** A day's funnel, over all activities and per activity (those sold or running that day, by id). */
public record DayFunnel(LocalDate date, Funnel total, Map<Long, Funnel> activities) {}
