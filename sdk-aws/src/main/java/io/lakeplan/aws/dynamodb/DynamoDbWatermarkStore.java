package io.lakeplan.aws.dynamodb;

import io.lakeplan.aws.internal.AwsErrors;
import io.lakeplan.aws.internal.CallLimits;
import io.lakeplan.spi.Watermark;
import io.lakeplan.spi.WatermarkStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.SSESpecification;
import software.amazon.awssdk.services.dynamodb.model.SSEType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * A {@link WatermarkStore} in a DynamoDB table: one item per key ({@code key} is the partition key;
 * {@code type}, {@code value} and {@code updated-at} attributes), read with strongly consistent
 * reads and written by compare-and-set with a condition expression ({@code attribute_not_exists}
 * for a first value, equality of type and value otherwise).
 *
 * <p>The table is created on first use when missing, with on-demand billing and encryption at rest
 * (SSE-KMS, with {@link Builder#kmsKey(String)} when set), and waited for until it is active.
 *
 * <p>Failures: every write carries a random {@code write-id}; a write whose condition fails is read
 * back, and when the item holds its own {@code write-id} — the first attempt of a retried write
 * succeeded, its answer was lost — the write is reported as done, never as a conflict (another
 * writer that set the same value is still a conflict). Throttling that outlasts the client's own
 * retries is retried here up to {@link Builder#maxAttempts(int)} times with exponential backoff;
 * then, as for a wrong region or endpoint, a missing table, or a denied call, the store throws
 * {@link IllegalStateException} with one line naming the table and what to check.
 *
 * <pre>{@code
 * WatermarkStore store =
 *     DynamoDbWatermarkStore.builder().client(dynamoDb).tableName("lakeplan-watermarks").build();
 * }</pre>
 */
public final class DynamoDbWatermarkStore implements WatermarkStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbWatermarkStore.class);
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}");
  private static final String KEY_ATTRIBUTE = "key";
  private static final String WRITE_ID = "write-id";
  private static final String PERMISSIONS =
      "dynamodb:DescribeTable, dynamodb:CreateTable, dynamodb:GetItem and dynamodb:PutItem";

  private final DynamoDbClient client;
  private final String tableName;
  private final String kmsKey;
  private final boolean createTable;
  private final Duration callTimeout;
  private final int maxAttempts;
  private final Duration backoff;
  private final Duration tableWait;
  private final Clock clock;
  private final boolean closeClient;
  private final String region;
  private final String endpoint;
  private volatile boolean tableReady;

  private DynamoDbWatermarkStore(Builder builder) {
    this.client = Objects.requireNonNull(builder.client, "client");
    this.tableName = Objects.requireNonNull(builder.tableName, "tableName");
    this.kmsKey = builder.kmsKey;
    this.createTable = builder.createTable;
    this.callTimeout = builder.callTimeout;
    this.maxAttempts = builder.maxAttempts;
    this.backoff = builder.backoff;
    this.tableWait = builder.tableWait;
    this.clock = builder.clock;
    this.closeClient = builder.closeClient;
    this.region =
        client.serviceClientConfiguration().region() == null
            ? null
            : client.serviceClientConfiguration().region().id();
    this.endpoint =
        client.serviceClientConfiguration().endpointOverride().map(Object::toString).orElse(null);
  }

  /** A builder; {@link Builder#client} and {@link Builder#tableName} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The table's name. */
  public String tableName() {
    return tableName;
  }

  @Override
  public Optional<Watermark> get(String key) {
    check(key);
    ensureTable();
    return read(key);
  }

  @Override
  public boolean compareAndSet(String key, Watermark expected, Watermark next) {
    check(key);
    WatermarkStore.checkMonotonic(key, expected, next);
    ensureTable();
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(KEY_ATTRIBUTE, text(key));
    item.put("type", text(next.typeName()));
    item.put("value", text(next.value()));
    item.put("updated-at", text(clock.instant().toString()));
    // identifies this write: the SDK resends the same item when it retries
    String writeId = UUID.randomUUID().toString();
    item.put(WRITE_ID, text(writeId));
    PutItemRequest.Builder put =
        PutItemRequest.builder().tableName(tableName).item(item).overrideConfiguration(timeout());
    if (expected == null) {
      put.conditionExpression("attribute_not_exists(#k)")
          .expressionAttributeNames(Map.of("#k", KEY_ATTRIBUTE));
    } else {
      put.conditionExpression("#t = :t AND #v = :v")
          .expressionAttributeNames(Map.of("#t", "type", "#v", "value"))
          .expressionAttributeValues(
              Map.of(":t", text(expected.typeName()), ":v", text(expected.value())));
    }
    PutItemRequest request = put.build();
    try {
      call("write watermark " + key, () -> client.putItem(request));
      return true;
    } catch (ConditionalCheckFailedException e) {
      Map<String, AttributeValue> current = item(key);
      AttributeValue written = current == null ? null : current.get(WRITE_ID);
      if (written != null && writeId.equals(written.s())) {
        // an earlier attempt of this very write succeeded (its answer was lost): done, no conflict
        LOG.info(
            "Watermark {} already at {} in {}; retried write recognised", key, next, tableName);
        return true;
      }
      // another writer came first: the caller reads again and retries
      return false;
    }
  }

  private Optional<Watermark> read(String key) {
    Map<String, AttributeValue> item = item(key);
    if (item == null) {
      return Optional.empty();
    }
    AttributeValue type = item.get("type");
    AttributeValue value = item.get("value");
    if (type == null || value == null || type.s() == null || value.s() == null) {
      throw new IllegalStateException(
          "Watermark item "
              + key
              + " in DynamoDB table "
              + tableName
              + " has no type/value text attributes: it was not written by Lakeplan; fix or"
              + " delete the item");
    }
    return Optional.of(Watermark.parse(type.s(), value.s()));
  }

  /** The item of {@code key} (strongly consistent), or null. */
  private Map<String, AttributeValue> item(String key) {
    GetItemResponse response =
        call(
            "read watermark " + key,
            () ->
                client.getItem(
                    b ->
                        b.tableName(tableName)
                            .key(Map.of(KEY_ATTRIBUTE, text(key)))
                            .consistentRead(true)
                            .overrideConfiguration(timeout())));
    return !response.hasItem() || response.item().isEmpty() ? null : response.item();
  }

  /**
   * Creates the table when it is missing (on-demand billing, encryption at rest with the KMS key
   * when set) and waits until it is active, as the first use would: what {@code lakeplan deploy}
   * does ahead of the first run.
   *
   * @throws IllegalStateException on one line naming the table and the fix when it cannot
   */
  public void createTableIfMissing() {
    ensureTable();
  }

  /** Creates the table on first use when missing (and allowed), then waits until it is active. */
  private void ensureTable() {
    if (tableReady) {
      return;
    }
    synchronized (this) {
      if (tableReady) {
        return;
      }
      DescribeTableResponse described;
      try {
        described = call("describe", () -> client.describeTable(b -> b.tableName(tableName)));
      } catch (ResourceNotFoundException e) {
        if (!createTable) {
          throw new IllegalStateException(
              "DynamoDB table "
                  + tableName
                  + " (region "
                  + (region == null ? "from the runtime" : region)
                  + ") does not exist: create it (partition key 'key', type S) or check the"
                  + " environment's watermarks, region and endpoint-override",
              e);
        }
        create();
        described = null;
      }
      if (described == null || described.table().tableStatus() != TableStatus.ACTIVE) {
        awaitActive();
      }
      tableReady = true;
    }
  }

  private void create() {
    SSESpecification.Builder sse = SSESpecification.builder().enabled(true);
    if (kmsKey != null) {
      sse.sseType(SSEType.KMS).kmsMasterKeyId(kmsKey);
    }
    CreateTableRequest request =
        CreateTableRequest.builder()
            .tableName(tableName)
            .keySchema(
                KeySchemaElement.builder()
                    .attributeName(KEY_ATTRIBUTE)
                    .keyType(KeyType.HASH)
                    .build())
            .attributeDefinitions(
                AttributeDefinition.builder()
                    .attributeName(KEY_ATTRIBUTE)
                    .attributeType(ScalarAttributeType.S)
                    .build())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .sseSpecification(sse.build())
            .overrideConfiguration(timeout())
            .build();
    try {
      call("create", () -> client.createTable(request));
      LOG.info("Created DynamoDB table {} for watermarks (on-demand, SSE on)", tableName);
    } catch (ResourceInUseException e) {
      // another job created it at the same moment
    }
  }

  private void awaitActive() {
    long deadline = System.nanoTime() + tableWait.toNanos();
    Duration pause = backoff;
    while (true) {
      TableStatus status =
          call("describe", () -> client.describeTable(b -> b.tableName(tableName)))
              .table()
              .tableStatus();
      if (status == TableStatus.ACTIVE) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "DynamoDB table "
                + tableName
                + " is still "
                + status
                + " after "
                + tableWait
                + ": check it in the DynamoDB console and re-run");
      }
      pause(pause);
      pause =
          pause.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
              ? Duration.ofSeconds(5)
              : pause.multipliedBy(2);
    }
  }

  /**
   * Runs {@code call}, retrying throttling up to {@code maxAttempts} times with exponential
   * backoff; conditional-check and missing-table failures go to the caller as they are, every other
   * failure becomes one line naming the table and what to check.
   */
  private <T> T call(String what, Supplier<T> call) {
    Duration pause = backoff;
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (ConditionalCheckFailedException
          | ResourceNotFoundException
          | ResourceInUseException e) {
        throw e;
      } catch (SdkException e) {
        if (AwsErrors.isThrottling(e) && attempt < maxAttempts) {
          LOG.warn(
              "DynamoDB table {} throttled ({}); attempt {} of {}",
              tableName,
              what,
              attempt,
              maxAttempts);
          pause(pause);
          pause = pause.multipliedBy(2);
          continue;
        }
        throw new IllegalStateException(
            AwsErrors.describe("DynamoDB table " + tableName, region, endpoint, PERMISSIONS, e), e);
      }
    }
  }

  private static void pause(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while backing off from DynamoDB", e);
    }
  }

  private AwsRequestOverrideConfiguration timeout() {
    return CallLimits.timeout(callTimeout);
  }

  private static AttributeValue text(String value) {
    return AttributeValue.builder().s(value).build();
  }

  private static void check(String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "Invalid watermark key: '" + key + "' (letters, digits, '_', '.', '-'; e.g. raw.orders)");
    }
  }

  /** Closes the client when the builder was told the store owns it. */
  @Override
  public void close() {
    if (closeClient) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "DynamoDbWatermarkStore[" + tableName + "]";
  }

  /** Builds a {@link DynamoDbWatermarkStore}. */
  public static final class Builder {
    private DynamoDbClient client;
    private String tableName;
    private String kmsKey;
    private boolean createTable = true;
    private Duration callTimeout = Duration.ofSeconds(30);
    private int maxAttempts = 5;
    private Duration backoff = Duration.ofMillis(200);
    private Duration tableWait = Duration.ofMinutes(2);
    private Clock clock = Clock.systemUTC();
    private boolean closeClient;

    private Builder() {}

    /** The client to call DynamoDB with (region, endpoint, credentials are its own). Required. */
    public Builder client(DynamoDbClient client) {
      this.client = client;
      return this;
    }

    /** The table's name, e.g. {@code lakeplan-watermarks}. Required. */
    public Builder tableName(String tableName) {
      if (tableName == null || !tableName.matches("[A-Za-z0-9_.-]{3,255}")) {
        throw new IllegalArgumentException(
            "Invalid DynamoDB table name: '"
                + tableName
                + "' (3-255 letters, digits, '_', '-', '.')");
      }
      this.tableName = tableName;
      return this;
    }

    /**
     * The KMS key that encrypts a table this store creates; default null: DynamoDB's own key
     * (encryption at rest is on either way).
     */
    public Builder kmsKey(String kmsKey) {
      this.kmsKey = kmsKey;
      return this;
    }

    /** Whether a missing table is created on first use. Default: true. */
    public Builder createTable(boolean createTable) {
      this.createTable = createTable;
      return this;
    }

    /** The limit of each call, the client's retries included. Default: 30 s. */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = CallLimits.positive(callTimeout);
      return this;
    }

    /**
     * Attempts of a throttled call (the first included) before it fails; each attempt also gets the
     * client's own retries. Default: 5; 1–20.
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > 20) {
        throw new IllegalArgumentException(
            "Invalid max attempts: " + maxAttempts + " (must be 1-20)");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The first backoff after throttling, doubled each time. Default: 200 ms. */
    public Builder backoff(Duration backoff) {
      if (backoff == null || backoff.isNegative()) {
        throw new IllegalArgumentException(
            "Invalid backoff: " + backoff + " (must be zero or more)");
      }
      this.backoff = backoff;
      return this;
    }

    /** How long to wait for a new table to become active. Default: 2 minutes. */
    public Builder tableWait(Duration tableWait) {
      this.tableWait = Objects.requireNonNull(tableWait, "tableWait");
      return this;
    }

    /** The clock of the {@code updated-at} attribute. Default: UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Whether {@link DynamoDbWatermarkStore#close()} closes the client. Default: false. */
    public Builder closeClient(boolean closeClient) {
      this.closeClient = closeClient;
      return this;
    }

    /** The store. */
    public DynamoDbWatermarkStore build() {
      return new DynamoDbWatermarkStore(this);
    }
  }
}
