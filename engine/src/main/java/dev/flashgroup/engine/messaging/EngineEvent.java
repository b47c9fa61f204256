package dev.flashgroup.engine.messaging;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * An event as the Lua scripts write it: snapshots of the orders and group it touched, each with
 * the version it reached, so a consumer can apply events in any order and more than once.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EngineEvent(
    long at,
    String tx,
    String paidOrder,
    String refundNo,
    List<OrderSnapshot> orders,
    GroupSnapshot group,
    List<Refund> refunds) {

  public EngineEvent {
    orders = orders == null ? List.of() : orders;
    refunds = refunds == null ? List.of() : refunds;
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record OrderSnapshot(String id, long activityId, String groupId, String buyerId, String status,
      long amount, long payBy, int version) {

    public String groupOrNull() {
      return groupId == null || groupId.isEmpty() ? null : groupId;
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record GroupSnapshot(String id, long activityId, String status, int size, int members, int paid,
      long deadline, int version, String leader) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Refund(String refundNo, String orderId, long amount, String reason, long total) {}
}
