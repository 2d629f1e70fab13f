package io.lakeplan.aws.deploy;

import io.lakeplan.aws.dynamodb.DynamoDbWatermarkStore;
import io.lakeplan.aws.internal.CallLimits;
import io.lakeplan.env.Environment;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The DynamoDB watermark table of an environment whose watermarks are {@code dynamodb:TABLE}:
 * created as {@link DynamoDbWatermarkStore} creates it on first use (on-demand, encrypted, the
 * partition key {@value #KEY}). An existing table with another key cannot be used and fails the
 * plan.
 */
final class WatermarkTable {
  static final String KEY = "key";
  private static final String PERMISSIONS = "dynamodb:DescribeTable and dynamodb:CreateTable";

  private final Environment environment;
  private final DynamoDbClient dynamoDb;
  private final Duration callTimeout;

  WatermarkTable(Environment environment, DynamoDbClient dynamoDb, Duration callTimeout) {
    this.environment = environment;
    this.dynamoDb = dynamoDb;
    this.callTimeout = callTimeout;
  }

  List<Step> steps() {
    if (!"dynamodb".equals(environment.watermarkScheme())) {
      return List.of();
    }
    String table = environment.watermarkLocation();
    String resource = "DynamoDB table " + table;
    TableDescription described;
    try {
      described =
          dynamoDb
              .describeTable(
                  b -> b.tableName(table).overrideConfiguration(CallLimits.timeout(callTimeout)))
              .table();
    } catch (ResourceNotFoundException e) {
      return List.of(
          Step.of(
              Change.Action.CREATE,
              resource,
              "watermarks; on-demand, encrypted at rest",
              () -> create(table)));
    } catch (SdkException e) {
      throw DeployErrors.failure(environment, resource, PERMISSIONS, e);
    }
    List<KeySchemaElement> keys = described.keySchema();
    boolean usable =
        keys.size() == 1
            && KEY.equals(keys.get(0).attributeName())
            && keys.get(0).keyType() == KeyType.HASH;
    if (!usable) {
      throw new IllegalStateException(
          resource
              + DeployErrors.region(environment)
              + " exists with key schema "
              + keys.stream().map(k -> k.attributeName() + " " + k.keyTypeAsString()).toList()
              + ", which cannot hold watermarks (partition key '"
              + KEY
              + "', type S, no sort key): name another table in the environment's watermarks");
    }
    return List.of(Step.unchanged(resource, "watermarks"));
  }

  private void create(String table) {
    DynamoDbWatermarkStore.builder()
        .client(dynamoDb)
        .tableName(table)
        .kmsKey(environment.kmsKey())
        .build()
        .createTableIfMissing();
  }
}
