package io.lakeplan.spark;

import io.lakeplan.model.KafkaAuth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.testkit.KafkaClusterTestKit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An in-process KRaft broker whose client listener is SASL_SSL with mechanisms PLAIN, SCRAM-SHA-256
 * and SCRAM-SHA-512: its certificate is made at start with the JDK's {@code keytool} (self-signed,
 * for {@code localhost} and {@code 127.0.0.1}; it stands for a private CA, as clients trust exactly
 * it), SCRAM users are created through the Admin API ({@code alterUserScramCredentials}) and PLAIN
 * users are fixed when the broker starts. One per test JVM, started on first use ({@link #get()})
 * and stopped when the JVM ends, so every IT that needs it pays its start once (about 3 s).
 */
public final class SecuredKafka {

  /** The PLAIN user the broker knows from its start (SCRAM users are added with the Admin API). */
  public static final String PLAIN_USER = "plain-client";

  private static SecuredKafka instance;

  private final KafkaClusterTestKit kafka;
  private final String caPem;
  private final String adminPassword;
  private final String plainPassword;

  private SecuredKafka(
      KafkaClusterTestKit kafka, String caPem, String adminPassword, String plainPassword) {
    this.kafka = kafka;
    this.caPem = caPem;
    this.adminPassword = adminPassword;
    this.plainPassword = plainPassword;
  }

  /** The JVM's secured broker, started on the first call. */
  public static synchronized SecuredKafka get() {
    if (instance == null) {
      try {
        instance = start();
      } catch (Exception e) {
        throw new IllegalStateException("Cannot start the SASL_SSL test broker", e);
      }
      SecuredKafka started = instance;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.kafka.close();
                    } catch (Exception e) {
                      // the JVM is ending: nothing to do about a broker that stops badly
                    }
                  }));
    }
    return instance;
  }

  private static SecuredKafka start() throws Exception {
    Path dir = TestSpark.newDir("secured-kafka");
    String storePassword = UUID.randomUUID().toString();
    Path keystore = dir.resolve("broker.p12");
    Path ca = dir.resolve("ca.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-validity",
        "2",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        storePassword);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "broker",
        "-keystore",
        keystore.toString(),
        "-storepass",
        storePassword,
        "-file",
        ca.toString());
    MskIamStandIn.register();
    String adminPassword = "admin-" + UUID.randomUUID();
    String plainPassword = "plain-" + UUID.randomUUID();
    KafkaClusterTestKit kafka =
        TestKafka.start(
            TestKafka.builder()
                .setConfigProp(
                    "listener.security.protocol.map", "EXTERNAL:SASL_SSL,CONTROLLER:PLAINTEXT")
                .setConfigProp(
                    "sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,AWS_MSK_IAM")
                // the broker's own connections use PLAIN: a SCRAM user exists only once the
                // broker runs
                .setConfigProp("sasl.mechanism.inter.broker.protocol", "PLAIN")
                .setConfigProp(
                    "listener.name.external.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"admin\" password=\""
                        + adminPassword
                        + "\" user_admin=\""
                        + adminPassword
                        + "\" user_"
                        + PLAIN_USER
                        + "=\""
                        + plainPassword
                        + "\";")
                .setConfigProp(
                    "listener.name.external.scram-sha-256.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                .setConfigProp(
                    "listener.name.external.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                // AWS_MSK_IAM's server side is the local stand-in (MskIamStandIn); its login
                // module only has to exist
                .setConfigProp(
                    "listener.name.external.aws_msk_iam.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required;")
                .setConfigProp("ssl.keystore.type", "PKCS12")
                .setConfigProp("ssl.keystore.location", keystore.toString())
                .setConfigProp("ssl.keystore.password", storePassword)
                .setConfigProp("ssl.key.password", storePassword)
                .setConfigProp("ssl.truststore.type", "PEM")
                .setConfigProp("ssl.truststore.location", ca.toString()));
    return new SecuredKafka(
        kafka, Files.readString(ca, StandardCharsets.US_ASCII), adminPassword, plainPassword);
  }

  private static void keytool(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
    }
  }

  /** The broker's address. */
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The broker's certificate, PEM: what a client's truststore needs. */
  public String caPem() {
    return caPem;
  }

  /** The password of {@link #PLAIN_USER}. */
  public String plainPassword() {
    return plainPassword;
  }

  /**
   * The ingestion options that trust the broker's certificate: {@code kafka.ssl.truststore.type:
   * PEM} and the certificate as {@code kafka.ssl.truststore.certificates}.
   */
  public Map<String, String> trustOptions() {
    return Map.of("kafka.ssl.truststore.type", "PEM", "kafka.ssl.truststore.certificates", caPem);
  }

  /** Creates (or changes) SCRAM-SHA-256 and SCRAM-SHA-512 credentials of {@code user}. */
  public void addScramUser(String user, String password) {
    try (Admin admin = Admin.create(adminProperties())) {
      // one request per mechanism: the broker refuses a user twice in one request
      for (ScramMechanism mechanism :
          List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
        admin
            .alterUserScramCredentials(
                List.of(
                    new UserScramCredentialUpsertion(
                        user, new ScramCredentialInfo(mechanism, 4096), password)))
            .all()
            .get(60, TimeUnit.SECONDS);
      }
      // the controller committed them; wait until the broker serves both
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        Map<String, UserScramCredentialsDescription> described =
            admin.describeUserScramCredentials(List.of(user)).all().get(60, TimeUnit.SECONDS);
        UserScramCredentialsDescription description = described.get(user);
        if (description != null && description.credentialInfos().size() == 2) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("SCRAM credentials of " + user + " not visible");
        }
        Thread.onSpinWait();
      }
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Cannot create SCRAM user " + user, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Creates {@code topic} with {@code partitions} partitions. */
  public void createTopic(String topic, int partitions) {
    try (Admin admin = Admin.create(adminProperties())) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Cannot create topic " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A producer as the broker's admin user (the caller closes it). */
  public KafkaProducer<String, String> producer() {
    Map<String, Object> properties = adminProperties();
    properties.put("acks", "all");
    return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
  }

  /** Sends {@code values} (unkeyed) to partition 0 of {@code topic} and waits for them. */
  public void send(String topic, List<String> values) {
    try (KafkaProducer<String, String> producer = producer()) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, 0, null, value));
      }
      producer.flush();
    }
  }

  /** Client properties of {@code mechanism} as {@code user}, trusting the broker's certificate. */
  public Map<String, Object> clientProperties(
      KafkaAuth.Mechanism mechanism, String user, String password) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("bootstrap.servers", bootstrapServers());
    properties.put("security.protocol", "SASL_SSL");
    properties.put("ssl.truststore.type", "PEM");
    properties.put("ssl.truststore.certificates", caPem);
    properties.put("sasl.mechanism", mechanism.name().replace('_', '-'));
    properties.put(
        "sasl.jaas.config",
        (mechanism == KafkaAuth.Mechanism.PLAIN
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule")
            + " required username=\""
            + user
            + "\" password=\""
            + password
            + "\";");
    return properties;
  }

  private Map<String, Object> adminProperties() {
    return clientProperties(KafkaAuth.Mechanism.PLAIN, "admin", adminPassword);
  }
}
