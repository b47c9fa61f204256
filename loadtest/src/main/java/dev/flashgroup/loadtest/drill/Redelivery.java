package dev.flashgroup.loadtest.drill;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The drill's case 6: every event delivered twice and out of order. {@code capture} binds a queue
 * of the drill's own to the events exchange (topic, every routing key), so it receives a copy of
 * everything the relay publishes while the workers project the originals as usual. {@code replay}
 * takes every captured message, shuffles them and publishes each twice, straight to the orders
 * queue, with its properties (the event type the worker dispatches on) unchanged; the workers must
 * leave MySQL exactly as it was.
 *
 * <pre>
 *   Redelivery capture   (declares PREFIX.drill-capture, bound to PREFIX.events with '#')
 *   Redelivery replay    (prints the number of captured events; each went to PREFIX.orders twice)
 * </pre>
 * Connection and prefix come from the application's FLASHGROUP_MESSAGING_* variables.
 */
public final class Redelivery {

  private Redelivery() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1 || !List.of("capture", "replay").contains(args[0])) {
      System.err.println("usage: Redelivery capture|replay");
      System.exit(2);
    }
    Map<String, String> env = System.getenv();
    String prefix = env.getOrDefault("FLASHGROUP_MESSAGING_PREFIX", "flashgroup");
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(env.getOrDefault("FLASHGROUP_MESSAGING_HOST", "localhost"));
    factory.setPort(Integer.parseInt(env.getOrDefault("FLASHGROUP_MESSAGING_PORT", "5672")));
    factory.setUsername(env.getOrDefault("FLASHGROUP_MESSAGING_USERNAME", "guest"));
    factory.setPassword(env.getOrDefault("FLASHGROUP_MESSAGING_PASSWORD", "guest"));
    String capture = prefix + ".drill-capture";
    try (Connection connection = factory.newConnection("flashgroup-drill"); Channel channel = connection.createChannel()) {
      if (args[0].equals("capture")) {
        channel.queueDeclare(capture, true, false, false, null);
        channel.queueBind(capture, prefix + ".events", "#");
        return;
      }
      System.out.println(replay(channel, capture, prefix + ".orders"));
    }
  }

  private static int replay(Channel channel, String capture, String orders) throws Exception {
    List<GetResponse> captured = new ArrayList<>();
    for (GetResponse message = channel.basicGet(capture, true); message != null; message = channel.basicGet(capture, true)) {
      captured.add(message);
    }
    List<GetResponse> twice = new ArrayList<>(captured);
    twice.addAll(captured);
    Collections.shuffle(twice, new Random(6));
    channel.confirmSelect();
    for (GetResponse message : twice) {
      channel.basicPublish("", orders, message.getProps(), message.getBody());
    }
    channel.waitForConfirmsOrDie(30_000);
    channel.queueDelete(capture);
    return captured.size();
  }
}
