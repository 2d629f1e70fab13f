package io.lakeplan.env;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import org.immutables.value.Value;

/** The environment's notification channels, used where a use case names none. */
@Value.Immutable
@JsonSerialize(as = ImmutableNotifications.class)
@JsonDeserialize(as = ImmutableNotifications.class)
public abstract class Notifications {
  /**
   * The SNS topic ARN for callbacks of DAGs whose use case names no SNS target; null (the default):
   * such DAGs get no callbacks.
   */
  public abstract String defaultSnsTopicArn();

  /** A builder of notification settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Notifications}; every setter is named after its property. */
  public static final class Builder extends ImmutableNotifications.Builder {}
}
