package io.lakeplan.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Duration;
import java.util.List;
import org.immutables.value.Value;

/** Which run events notify whom. */
@Value.Immutable
@JsonSerialize(as = ImmutableNotificationPolicy.class)
@JsonDeserialize(as = ImmutableNotificationPolicy.class)
public abstract class NotificationPolicy {
  /** Notify when a run succeeds. Default: false. */
  @Value.Default
  public boolean onSuccess() {
    return false;
  }

  /** Notify when a task fails for good. Default: true. */
  @Value.Default
  public boolean onFailure() {
    return true;
  }

  /** Notify when a task is retried. Default: false. */
  @Value.Default
  public boolean onRetry() {
    return false;
  }

  /** Notify when a run misses its {@link #sla()}. Default: false. */
  @Value.Default
  public boolean onSlaMiss() {
    return false;
  }

  /** How long a run may take before it misses its SLA; null for none. */
  public abstract Duration sla();

  /** The recipients. */
  public abstract List<NotificationTarget> targets();

  /** The default policy: failures only, no targets. */
  public static NotificationPolicy defaults() {
    return builder().build();
  }

  /** A builder of policies. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link NotificationPolicy}; every setter is named after its property. */
  public static final class Builder extends ImmutableNotificationPolicy.Builder {}
}
