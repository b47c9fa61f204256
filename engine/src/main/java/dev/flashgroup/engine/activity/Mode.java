package dev.flashgroup.engine.activity;

/** How groups of an activity form. TIERED and FLASH are planned; only STANDARD is sold today. */
public enum Mode {
  STANDARD
}
