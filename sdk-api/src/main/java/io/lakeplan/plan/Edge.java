package io.lakeplan.plan;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import org.immutables.value.Value;

/** Task {@link #to()} runs after task {@link #from()} succeeds, in the same DAG. */
@Value.Immutable
@JsonSerialize(as = ImmutableEdge.class)
@JsonDeserialize(as = ImmutableEdge.class)
public abstract class Edge implements Comparable<Edge> {
  public abstract String from();

  public abstract String to();

  public static Edge of(String from, String to) {
    return ImmutableEdge.builder().from(from).to(to).build();
  }

  @Override
  public int compareTo(Edge other) {
    int byFrom = from().compareTo(other.from());
    return byFrom != 0 ? byFrom : to().compareTo(other.to());
  }
}
