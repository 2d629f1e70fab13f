/**
 * Notifications of Java runs: {@link io.lakeplan.aws.notifications.SnsNotifier} (SNS topics, and
 * e-mail through the environment's e-mail topic), {@link
 * io.lakeplan.aws.notifications.SlackNotifier} (incoming webhooks behind secret references) and
 * {@link io.lakeplan.aws.notifications.AwsNotifier}, which fans an event out to its policy's
 * targets. Every one sends {@link io.lakeplan.run.NotificationMessage}'s text, the text of the
 * rendered Airflow callbacks too.
 */
package io.lakeplan.aws.notifications;
