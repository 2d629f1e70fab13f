package io.lakeplan.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.aws.MotoClients;
import io.lakeplan.spi.Watermark;
import io.lakeplan.spi.WatermarkStore;
import io.lakeplan.testkit.WatermarkStoreContract;
import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.SSEStatus;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** The WatermarkStore contract, and DynamoDB's own failure modes, on moto's DynamoDB. */
@ExtendWith(MotoExtension.class)
class DynamoDbWatermarkStoreIT extends WatermarkStoreContract {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static MotoServer moto;
  private static DynamoDbClient client;

  @BeforeAll
  static void start(MotoServer server) {
    moto = server;
    client = MotoClients.of(moto).dynamoDb();
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  /** A store on a table of its own, created on first use. */
  @Override
  protected WatermarkStore newStore() {
    return builder(client).build();
  }

  private static DynamoDbWatermarkStore.Builder builder(DynamoDbClient dynamoDb) {
    return DynamoDbWatermarkStore.builder()
        .client(dynamoDb)
        .tableName("watermarks-" + TABLES.incrementAndGet())
        .backoff(Duration.ofMillis(1));
  }

  @Test
  void table_isCreatedOnDemandWithEncryptionAndOnDemandBilling() {
    DynamoDbWatermarkStore store = builder(client).kmsKey("alias/lakeplan-test").build();

    store.compareAndSet("raw.orders", null, Watermark.of(1L));

    TableDescription table = client.describeTable(b -> b.tableName(store.tableName())).table();
    assertThat(table.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
    assertThat(table.sseDescription().status()).isEqualTo(SSEStatus.ENABLED);
    assertThat(table.keySchema())
        .singleElement()
        .satisfies(k -> assertThat(k.attributeName()).isEqualTo("key"));
  }

  @Test
  void oneItemPerKey_holdingTypeAndValueAsText() {
    DynamoDbWatermarkStore store = builder(client).build();
    Instant time = Instant.parse("2024-05-01T10:00:00Z");
    store.compareAndSet("raw.orders", null, Watermark.of(time));
    store.compareAndSet("raw.orders", Watermark.of(time), Watermark.of(time.plusSeconds(60)));
    store.compareAndSet("raw.customers", null, Watermark.of(7L));

    var items = client.scan(b -> b.tableName(store.tableName())).items();

    assertThat(items).hasSize(2);
    assertThat(items)
        .filteredOn(item -> item.get("key").s().equals("raw.orders"))
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.get("type").s()).isEqualTo("timestamp");
              assertThat(item.get("value").s()).isEqualTo("2024-05-01T10:01:00Z");
            });
  }

  @Test
  void retriedWrite_whoseFirstAttemptSucceeded_isRecognisedNotAConflict() {
    // the first PutItem reaches DynamoDB and is applied, but its answer is replaced by a 500:
    // the SDK retries it, and the retry's condition (still expecting the old value) fails
    FaultInjector faults = new FaultInjector("PutItem", 1, 500, "InternalServerError");
    try (DynamoDbClient faulty = faultyClient(faults, 3)) {
      DynamoDbWatermarkStore store = builder(faulty).build();
      store.compareAndSet("raw.orders", null, Watermark.of(1L));
      faults.arm();

      assertThat(store.compareAndSet("raw.orders", Watermark.of(1L), Watermark.of(2L))).isTrue();

      assertThat(faults.injected()).isEqualTo(1);
      assertThat(store.get("raw.orders")).contains(Watermark.of(2L));
    }
  }

  @Test
  void throttling_isRetriedWithBackoff() {
    FaultInjector faults = new FaultInjector("GetItem", 3, 400, "ThrottlingException");
    try (DynamoDbClient faulty = faultyClient(faults, 1)) {
      DynamoDbWatermarkStore store = builder(faulty).maxAttempts(4).build();
      store.compareAndSet("raw.orders", null, Watermark.of(5L));
      faults.arm();

      assertThat(store.get("raw.orders")).contains(Watermark.of(5L));
      assertThat(faults.injected()).isEqualTo(3);
    }
  }

  @Test
  void throttling_thatOutlastsTheAttempts_failsOnOneLineNamingTheTable() {
    FaultInjector faults = new FaultInjector("GetItem", 100, 400, "ThrottlingException");
    try (DynamoDbClient faulty = faultyClient(faults, 1)) {
      DynamoDbWatermarkStore store = builder(faulty).maxAttempts(3).build();
      store.compareAndSet("raw.orders", null, Watermark.of(5L));
      faults.arm();

      assertThatThrownBy(() -> store.get("raw.orders"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "DynamoDB table "
                  + store.tableName()
                  + " (region us-east-1) is throttling requests after every retry: check its"
                  + " request quotas (Service Quotas; on-demand capacity for DynamoDB) and how"
                  + " many jobs share it");
      assertThat(faults.injected()).isEqualTo(3);
    }
  }

  @Test
  void missingTable_withoutCreation_failsNamingTableAndWhatToCheck() {
    DynamoDbWatermarkStore store =
        DynamoDbWatermarkStore.builder()
            .client(client)
            .tableName("no-such-table")
            .createTable(false)
            .build();

    assertThatThrownBy(() -> store.get("raw.orders"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "DynamoDB table no-such-table (region us-east-1) does not exist: create it (partition"
                + " key 'key', type S) or check the environment's watermarks, region and"
                + " endpoint-override");
  }

  @Test
  void unreachableEndpoint_failsNamingTableEndpointAndWhatToCheck() {
    try (DynamoDbClient nowhere =
        DynamoDbClient.builder()
            .region(Region.EU_WEST_1)
            .endpointOverride(URI.create("http://127.0.0.1:1"))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
            .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
            .build()) {
      DynamoDbWatermarkStore store =
          DynamoDbWatermarkStore.builder().client(nowhere).tableName("lakeplan-watermarks").build();

      assertThatThrownBy(() -> store.get("raw.orders"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith(
              "Cannot reach DynamoDB table lakeplan-watermarks (region eu-west-1) at"
                  + " http://127.0.0.1:1: check the region and endpoint-override (")
          .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
    }
  }

  private static DynamoDbClient faultyClient(FaultInjector faults, int attempts) {
    return DynamoDbClient.builder()
        .region(Region.of(MotoServer.REGION))
        .endpointOverride(moto.endpoint())
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(MotoServer.ACCESS_KEY_ID, MotoServer.SECRET_ACCESS_KEY)))
        .overrideConfiguration(
            o -> o.addExecutionInterceptor(faults).retryStrategy(r -> r.maxAttempts(attempts)))
        .build();
  }

  /**
   * Replaces the answers of the first {@code count} calls of one operation (after arming) with an
   * error, after DynamoDB has handled them: a lost answer, as a network failure or throttling would
   * look to the client.
   */
  static final class FaultInjector implements ExecutionInterceptor {
    private final String operation;
    private final int count;
    private final int status;
    private final String errorType;
    private volatile boolean armed;
    private int injected;

    FaultInjector(String operation, int count, int status, String errorType) {
      this.operation = operation;
      this.count = count;
      this.status = status;
      this.errorType = errorType;
    }

    void arm() {
      armed = true;
    }

    synchronized int injected() {
      return injected;
    }

    private synchronized boolean inject(ExecutionAttributes attributes) {
      String name = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
      if (armed && operation.equals(name) && injected < count) {
        injected++;
        return true;
      }
      return false;
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(
        Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
      if (!inject(attributes)) {
        return context.httpResponse();
      }
      attributes.putAttribute(INJECTED, Boolean.TRUE);
      return context.httpResponse().toBuilder()
          .statusCode(status)
          .removeHeader("x-amz-crc32")
          .removeHeader("Content-Length")
          .putHeader("x-amzn-ErrorType", errorType)
          .build();
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(
        Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
      if (!Boolean.TRUE.equals(attributes.getAttribute(INJECTED))) {
        return context.responseBody();
      }
      attributes.putAttribute(INJECTED, Boolean.FALSE);
      String body =
          "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
              + errorType
              + "\",\"message\":\"injected by the test\"}";
      return Optional.of(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static final software.amazon.awssdk.core.interceptor.ExecutionAttribute<Boolean>
        INJECTED = new software.amazon.awssdk.core.interceptor.ExecutionAttribute<>("injected");
  }
}
