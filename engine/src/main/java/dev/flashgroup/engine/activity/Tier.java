package dev.flashgroup.engine.activity;

import java.util.ArrayList;
import java.util.List;

/** One step of a tiered group: a group of at least {@code size} paid members pays {@code price} fen each. */
public record Tier(Integer size, Long price) {

  /** Tiers as Redis and MySQL keep them: {@code 2:3000,3:2500}; the Lua scripts parse the same text. */
  static String format(List<Tier> tiers) {
    return String.join(",", tiers.stream().map(t -> t.size() + ":" + t.price()).toList());
  }

  static List<Tier> parse(String text) {
    List<Tier> tiers = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return tiers;
    }
    for (String step : text.split(",")) {
      String[] parts = step.split(":");
      tiers.add(new Tier(Integer.valueOf(parts[0]), Long.valueOf(parts[1])));
    }
    return tiers;
  }
}
