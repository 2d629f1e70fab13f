package io.lakeplan.run;

/**
 * Where a {@link DagRunner} sends the events its DAGs' notification policies ask for (SNS, Slack,
 * email on AWS; a list in the testkit). The runner only calls it for events the policy wants.
 */
@FunctionalInterface
public interface Notifier {

  /** Sends {@code event} to its policy's targets; must not throw for a delivery problem. */
  void notify(RunEvent event);

  /** Tells no one. */
  Notifier NONE = event -> {};
}
