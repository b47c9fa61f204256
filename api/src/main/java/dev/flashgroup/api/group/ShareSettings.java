package dev.flashgroup.api.group;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How groups are shared into WeChat.
 *
 * @param page the mini-program page that shows a group; the share path adds {@code groupId} and {@code referrer}
 * @param activityPage the mini-program page that shows an activity (a leader's materials share those);
 *     the share path adds {@code activityId} and {@code referrer}
 * @param qrPrefix put before the share path in the poster's QR code (e.g. a URL prefix bound to the
 *     mini-program in the WeChat console); empty by default, so the code holds the path itself
 * @param publicUrl the API's public base URL, for the share image's absolute address; empty gives a relative one
 * @param defaultAvatarUrl shown for an opener without an avatar of their own
 * @param posterThreads threads that draw posters (CPU-bound); posters never use the shared
 *     {@code boundedElastic} threads that payments and the broker need
 * @param posterQueue posters waiting for a drawing thread; beyond it a poster is answered 503
 * @param posterCache drawn posters kept by content version (PNG bytes in all); a spike's shares of
 *     one group or activity are drawn once a minute instead of once a request
 */
@ConfigurationProperties("flashgroup.share")
public record ShareSettings(
    @DefaultValue("/pages/group/index") String page,
    @DefaultValue("") String qrPrefix,
    @DefaultValue("") String publicUrl,
    @DefaultValue("") String defaultAvatarUrl,
    @DefaultValue("2") int posterThreads,
    @DefaultValue("64") int posterQueue,
    @DefaultValue("/pages/activity/index") String activityPage,
    @DefaultValue("16MB") DataSize posterCache) {}
