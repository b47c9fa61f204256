package dev.flashgroup.engine.progress;

/** What an activity's reader hands to its subscribers. */
sealed interface ProgressUpdate {

  /** The reader has its position in the stream: a snapshot read from now on misses nothing. */
  record Listening() implements ProgressUpdate {}

  record GroupChanged(GroupProgress group) implements ProgressUpdate {}

  /** After each batch of stream entries: the activity's figures as they are now. */
  record ActivityChanged(ActivityProgress activity) implements ProgressUpdate {}

  ProgressUpdate LISTENING = new Listening();
}
