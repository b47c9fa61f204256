package dev.flashgroup.engine.rehearsal;

import reactor.core.publisher.Mono;

/**
 * A part of the opening rehearsal: the engine's scripts ({@link ScriptedOpening}), the web layer's
 * requests (in {@code api}). Each part writes only under its {@link Scratch} namespace, starts no new
 * work once the scratch's budget is over, and answers how many calls it made.
 */
public interface RehearsalPart {

  /** Runs the part; the count of calls (reservations, payments, refusals, requests) it made. */
  Mono<Long> rehearse(Scratch scratch);

  /** What the part is called in the log. */
  String name();
}
