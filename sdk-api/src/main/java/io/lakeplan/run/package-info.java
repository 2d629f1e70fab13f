/**
 * How a plan's DAGs run, the same for every engine: {@link io.lakeplan.run.DagRunner} orders the
 * DAGs and tasks, retries failed tasks, blocks only what depends on a failure, honours
 * depends-on-past and tells a {@link io.lakeplan.run.Notifier} what happened; an {@link
 * io.lakeplan.spi.Engine} runs each task.
 */
package io.lakeplan.run;
