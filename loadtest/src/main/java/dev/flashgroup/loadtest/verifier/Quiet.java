package dev.flashgroup.loadtest.verifier;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;

/**
 * Decides when the system has gone quiet: every stream entry relayed and confirmed, the work
 * queues empty, no deadline due and not taken, and MySQL unchanged between two looks.
 */
final class Quiet {

  private static final Duration POLL = Duration.ofMillis(500);

  private final VerifierSettings settings;
  private final RedisNodes nodes;
  private final java.sql.Connection db;

  Quiet(VerifierSettings settings, RedisNodes nodes, java.sql.Connection db) {
    this.settings = settings;
    this.nodes = nodes;
    this.db = db;
  }

  /** Waits up to the configured timeout; returns what was still busy, empty once quiet. */
  List<String> await(List<Long> activities) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + settings.quietTimeout().toNanos();
    String before = Ledger.fingerprint(db);
    while (true) {
      Thread.sleep(POLL.toMillis());
      List<String> busy = busy(activities);
      String after = Ledger.fingerprint(db);
      if (!after.equals(before)) {
        busy.add("MySQL still changing (" + after.strip() + ")");
      }
      if (busy.isEmpty() || System.nanoTime() > deadline) {
        return busy;
      }
      before = after;
    }
  }

  private List<String> busy(List<Long> activities) throws java.sql.SQLException {
    List<String> busy = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (long activity : activities) {
      for (var keys : settings.buckets(activity, Ledger.shards(db, activity))) {
        busyIn(activity, keys, now, busy);
      }
    }
    for (String queue : List.of(settings.mqPrefix() + ".orders", settings.mqPrefix() + ".refunds",
        settings.mqPrefix() + ".reminders")) {
      long waiting = messages(queue);
      if (waiting > 0) {
        busy.add(queue + ": " + waiting + " messages waiting");
      }
    }
    return busy;
  }

  /**
   * One activity's (or one bucket's) stream and timers, read on the node holding its slot; a
   * bucket's transfers between buckets still in flight.
   */
  private void busyIn(long activity, dev.flashgroup.engine.keys.RedisKeys.ActivityKeys keys, long now,
      List<String> busy) {
    Jedis redis = nodes.of(keys.activity());
    unrelayed(redis, keys.events()).ifPresent(what -> busy.add("a" + activity + ": " + what));
    long due = redis.zcount(keys.paymentDeadlines(), Double.NEGATIVE_INFINITY, now)
        + redis.zcount(keys.groupDeadlines(), Double.NEGATIVE_INFINITY, now)
        + redis.zcount(keys.pickupDeadlines(), Double.NEGATIVE_INFINITY, now)
        + redis.zcount(keys.pickupReminders(), Double.NEGATIVE_INFINITY, now);
    if (due > 0) {
      busy.add("a" + activity + ": " + due + " deadlines due");
    }
    long inFlight = redis.hlen(keys.transfersOut());
    if (inFlight > 0) {
      busy.add(keys.prefix() + ": " + inFlight + " stock transfers between buckets in flight");
    }
  }

  private java.util.Optional<String> unrelayed(Jedis redis, String stream) {
    if (!redis.exists(stream)) {
      return java.util.Optional.empty();
    }
    StreamGroupInfo relay = redis.xinfoGroups(stream).stream()
        .filter(g -> g.getName().equals(settings.relayGroup())).findFirst().orElse(null);
    if (relay == null) {
      return java.util.Optional.of("no relay group '" + settings.relayGroup() + "' on " + stream);
    }
    List<StreamEntry> last = redis.xrevrange(stream, (StreamEntryID) null, null, 1);
    boolean undelivered = !last.isEmpty() && last.get(0).getID().compareTo(relay.getLastDeliveredId()) > 0;
    if (undelivered || relay.getPending() > 0) {
      return java.util.Optional.of("stream not relayed yet (" + relay.getPending() + " pending"
          + (undelivered ? ", entries not read" : "") + ")");
    }
    return java.util.Optional.empty();
  }

  /** Ready messages in a queue; a queue that does not exist holds none. */
  long messages(String queue) {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(settings.mqHost());
    factory.setPort(settings.mqPort());
    factory.setUsername(settings.mqUser());
    factory.setPassword(settings.mqPassword());
    factory.setConnectionTimeout(3000);
    try (Connection connection = factory.newConnection("flashgroup-verifier");
        Channel channel = connection.createChannel()) {
      return channel.queueDeclarePassive(queue).getMessageCount();
    } catch (IOException e) {
      // A passive declare of a missing queue closes the channel with 404: nothing waits there.
      if (String.valueOf(e.getCause()).contains("NOT_FOUND")) {
        return 0;
      }
      throw new IllegalStateException("cannot reach RabbitMQ at " + settings.mqHost() + ":" + settings.mqPort(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("RabbitMQ at " + settings.mqHost() + ":" + settings.mqPort() + " timed out", e);
    }
  }
}
