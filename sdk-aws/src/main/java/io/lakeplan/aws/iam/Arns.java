package io.lakeplan.aws.iam;

import io.lakeplan.aws.internal.S3Location;
import java.util.List;

/**
 * The ARNs of one partition, region and account: the only place the generated policies spell an
 * ARN.
 */
record Arns(String partition, String region, String account) {

  String s3Bucket(String bucket) {
    return "arn:" + partition + ":s3:::" + bucket;
  }

  String s3Object(S3Location location) {
    return s3Bucket(location.bucket()) + "/" + location.key();
  }

  /** Every object under the folder {@code location} (the folder itself as a prefix). */
  String s3Objects(S3Location location) {
    return s3Bucket(location.bucket()) + "/" + folderKey(location) + "*";
  }

  /** The values of {@code s3:prefix} that list the folder {@code location} and below. */
  static List<String> listPrefixes(S3Location location) {
    String key = folderKey(location);
    return key.isEmpty() ? List.of("*") : List.of(key.substring(0, key.length() - 1), key + "*");
  }

  private static String folderKey(S3Location location) {
    String key = location.key();
    return key.isEmpty() || key.endsWith("/") ? key : key + "/";
  }

  private String arn(String service, String resource) {
    return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource;
  }

  String glueCatalog() {
    return arn("glue", "catalog");
  }

  String glueDatabase(String database) {
    return arn("glue", "database/" + database);
  }

  String glueTable(String database, String table) {
    return arn("glue", "table/" + database + "/" + table);
  }

  String dynamoDbTable(String table) {
    return arn("dynamodb", "table/" + table);
  }

  /**
   * The secret {@code reference} names ({@code NAME}, {@code NAME#FIELD} or an ARN). Secrets
   * Manager appends {@code -} and six random characters to a secret's name in its ARN; {@code
   * ??????} matches exactly those six, so no other secret whose name starts the same matches.
   */
  String secret(String reference) {
    int hash = reference.lastIndexOf('#');
    String id = hash < 0 ? reference : reference.substring(0, hash);
    return id.startsWith("arn:") ? id : arn("secretsmanager", "secret:" + id + "-??????");
  }

  String ssmParameter(String name) {
    if (name.startsWith("arn:")) {
      return name;
    }
    return arn("ssm", "parameter" + (name.startsWith("/") ? name : "/" + name));
  }

  String emrApplication(String applicationId) {
    return arn("emr-serverless", "/applications/" + applicationId);
  }

  String emrJobRuns(String applicationId) {
    return emrApplication(applicationId) + "/jobruns/*";
  }

  String dataSyncTasks() {
    return arn("datasync", "task/*");
  }

  String logGroups(String prefix) {
    return arn("logs", "log-group:" + prefix + "*");
  }

  String mwaaEnvironment(String name) {
    return arn("airflow", "environment/" + name);
  }
}
