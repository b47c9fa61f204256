package dev.flashgroup.engine.live;

/** What an activity's reader hands to its subscribers. */
sealed interface LiveUpdate {

  /** The reader has its position in the stream: a snapshot read from now on misses nothing. */
  record Listening() implements LiveUpdate {}

  record GroupChanged(GroupProgress group) implements LiveUpdate {}

  /** After each batch of stream entries: the activity's figures as they are now. */
  record ActivityChanged(ActivityProgress activity) implements LiveUpdate {}

  LiveUpdate LISTENING = new Listening();
}
