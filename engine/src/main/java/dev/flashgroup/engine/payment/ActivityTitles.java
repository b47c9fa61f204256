package dev.flashgroup.engine.payment;

import reactor.core.publisher.Mono;

/**
 * The title of the activity an order belongs to: what a payment is for, in the words the buyer saw
 * when buying (WeChat Pay shows it in the buyer's payment record). The activity feature answers it
 * through this port, from Redis while the activity is warm, so payments need not know where
 * activities are kept.
 */
public interface ActivityTitles {

  /** The title, or empty for an activity that does not exist. */
  Mono<String> titleOf(long activityId);
}
