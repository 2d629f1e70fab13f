package io.lakeplan.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.Map;
import org.immutables.value.Value;

/** How to reach a JDBC database. Credentials are secret references, never values. */
@Value.Immutable
@JsonSerialize(as = ImmutableJdbcConnection.class)
@JsonDeserialize(as = ImmutableJdbcConnection.class)
public abstract class JdbcConnection {
  /** The JDBC URL, without credentials, e.g. {@code jdbc:postgresql://db:5432/sales}. Required. */
  public abstract String url();

  /** The dialect. Default: GENERIC; set it for correct quoting and types. */
  @Value.Default
  public JdbcDialect dialect() {
    return JdbcDialect.GENERIC;
  }

  /** The database user; null when the URL or driver supplies it. */
  public abstract String user();

  /** The password, as a reference; null for password-less authentication. */
  public abstract SecretRef password();

  /** Extra driver properties; no secrets here (validation rejects them). */
  public abstract Map<String, String> properties();

  /** A builder of connections. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link JdbcConnection}; every setter is named after its property. */
  public static final class Builder extends ImmutableJdbcConnection.Builder {}
}
