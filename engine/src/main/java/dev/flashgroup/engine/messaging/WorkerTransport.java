package dev.flashgroup.engine.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import reactor.rabbitmq.Receiver;
import reactor.rabbitmq.Sender;

/**
 * What every {@link QueueWorker} takes from the transport. Features hand it on to their worker's
 * constructor; its parts stay inside messaging, so no feature sees reactor-rabbitmq.
 */
@Component
public final class WorkerTransport {

  final Receiver receiver;
  final Sender sender;
  final Topology topology;
  final MessagingSettings settings;
  final MeterRegistry meters;

  WorkerTransport(Receiver receiver, Sender sender, Topology topology, MessagingSettings settings,
      MeterRegistry meters) {
    this.receiver = receiver;
    this.sender = sender;
    this.topology = topology;
    this.settings = settings;
    this.meters = meters;
  }
}
