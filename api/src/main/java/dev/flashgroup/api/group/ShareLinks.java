package dev.flashgroup.api.group;

import dev.flashgroup.engine.activity.Activity;
import org.springframework.stereotype.Component;

/** The addresses others hand out to share an activity (a leader's materials), with the sharer as referrer. */
@Component
public class ShareLinks {

  /**
   * {@code cardUrl} answers the card to whoever fetches it with their token (its path then names
   * them); {@code path} and {@code posterUrl} name the sharer already.
   */
  public record ActivityLinks(String cardUrl, String path, String posterUrl) {}

  private final ShareSettings settings;

  ShareLinks(ShareSettings settings) {
    this.settings = settings;
  }

  /** A sharer a poster would refuse as referrer is left out, as on the share card. */
  public ActivityLinks of(Activity activity, String sharer) {
    var share = new ActivityShare(activity, Referrers.valid(sharer) ? sharer : "", settings);
    return new ActivityLinks(share.cardUrl(), share.path(), share.imageUrl());
  }
}
