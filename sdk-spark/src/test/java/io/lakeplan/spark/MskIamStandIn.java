package io.lakeplan.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.Security;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.callback.CallbackHandler;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import javax.security.sasl.SaslServerFactory;

/**
 * A local stand-in for Amazon MSK's side of IAM access control, so an in-process broker can
 * authenticate clients with SASL mechanism {@code AWS_MSK_IAM}: a {@link SaslServerFactory}
 * registered as a JCA provider, whose server checks the client's signed payload — the AWS Signature
 * Version 4 of a presigned {@code kafka-cluster:Connect} request, recomputed here from the one
 * access key it {@linkplain #trust trusts} (written from the SigV4 specification, not with the AWS
 * SDK or Amazon's library). It is not MSK: no IAM policy is evaluated, only the signature, the key,
 * the action and the time.
 */
public final class MskIamStandIn {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private static volatile String trustedKeyId;
  private static volatile String trustedSecret;

  private MskIamStandIn() {}

  /** Registers the provider (once per JVM). */
  static synchronized void register() {
    if (Security.getProvider(StandInProvider.NAME) == null) {
      Security.addProvider(new StandInProvider());
    }
  }

  /** The one access key the server accepts signatures of. */
  static void trust(String accessKeyId, String secretAccessKey) {
    trustedKeyId = accessKeyId;
    trustedSecret = secretAccessKey;
  }

  /** The JCA provider of the stand-in's server factory. */
  static final class StandInProvider extends Provider {
    private static final long serialVersionUID = 1L;
    static final String NAME = "LakeplanMskIamStandIn";

    StandInProvider() {
      super(NAME, "1.0", "Lakeplan test stand-in for Amazon MSK IAM authentication");
      put("SaslServerFactory.AWS_MSK_IAM", Factory.class.getName());
    }
  }

  /** Creates {@link Server}s for mechanism AWS_MSK_IAM. */
  public static final class Factory implements SaslServerFactory {
    /** For the JCA provider. */
    public Factory() {}

    @Override
    public SaslServer createSaslServer(
        String mechanism,
        String protocol,
        String serverName,
        Map<String, ?> props,
        CallbackHandler callbacks) {
      return "AWS_MSK_IAM".equals(mechanism) ? new Server() : null;
    }

    @Override
    public String[] getMechanismNames(Map<String, ?> props) {
      return new String[] {"AWS_MSK_IAM"};
    }
  }

  /** Checks one client's payload. */
  static final class Server implements SaslServer {
    private boolean complete;
    private String authorizationId;

    @Override
    public String getMechanismName() {
      return "AWS_MSK_IAM";
    }

    @Override
    public byte[] evaluateResponse(byte[] response) throws SaslException {
      if (complete) {
        throw new SaslException("AWS_MSK_IAM: authentication already complete");
      }
      JsonNode payload;
      try {
        payload = JSON.readTree(response);
      } catch (IOException e) {
        throw new SaslException("AWS_MSK_IAM: the payload is not JSON", e);
      }
      String problem = verify(payload);
      if (problem != null) {
        throw new SaslException("AWS_MSK_IAM: " + problem);
      }
      complete = true;
      authorizationId = text(payload, "x-amz-credential").split("/")[0];
      return ("{\"version\":\"2020_10_22\",\"request-id\":\"" + UUID.randomUUID() + "\"}")
          .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean isComplete() {
      return complete;
    }

    @Override
    public String getAuthorizationID() {
      return authorizationId;
    }

    @Override
    public byte[] unwrap(byte[] incoming, int offset, int len) {
      throw new IllegalStateException("no security layer");
    }

    @Override
    public byte[] wrap(byte[] outgoing, int offset, int len) {
      throw new IllegalStateException("no security layer");
    }

    @Override
    public Object getNegotiatedProperty(String name) {
      return null;
    }

    @Override
    public void dispose() {}
  }

  /** Why {@code payload} is refused, or null when its signature is the trusted key's. */
  static String verify(JsonNode payload) {
    if (!"2020_10_22".equals(text(payload, "version"))) {
      return "unknown payload version " + text(payload, "version");
    }
    if (!"kafka-cluster:Connect".equals(text(payload, "action"))) {
      return "action is not kafka-cluster:Connect";
    }
    if (!"AWS4-HMAC-SHA256".equals(text(payload, "x-amz-algorithm"))) {
      return "algorithm is not AWS4-HMAC-SHA256";
    }
    String credential = text(payload, "x-amz-credential");
    String[] scope = credential == null ? new String[0] : credential.split("/");
    if (scope.length != 5
        || !"kafka-cluster".equals(scope[3])
        || !"aws4_request".equals(scope[4])) {
      return "bad credential scope " + credential;
    }
    if (!scope[0].equals(trustedKeyId)) {
      return "unknown access key " + scope[0];
    }
    String date = text(payload, "x-amz-date");
    Instant signedAt;
    try {
      signedAt = AMZ_DATE.parse(date, Instant::from);
    } catch (RuntimeException e) {
      return "bad x-amz-date " + date;
    }
    if (Duration.between(signedAt, Instant.now()).abs().compareTo(Duration.ofMinutes(15)) > 0) {
      return "signature too old or in the future: " + date;
    }
    if (!date.startsWith(scope[1])) {
      return "date " + date + " outside the credential's day " + scope[1];
    }
    // the presigned GET request the client signed: Action and the X-Amz-* parameters
    Map<String, String> query = new TreeMap<>();
    query.put("Action", text(payload, "action"));
    query.put("X-Amz-Algorithm", text(payload, "x-amz-algorithm"));
    query.put("X-Amz-Credential", credential);
    query.put("X-Amz-Date", date);
    query.put("X-Amz-Expires", text(payload, "x-amz-expires"));
    query.put("X-Amz-SignedHeaders", text(payload, "x-amz-signedheaders"));
    if (payload.hasNonNull("x-amz-security-token")) {
      query.put("X-Amz-Security-Token", text(payload, "x-amz-security-token"));
    }
    if (!"host".equals(text(payload, "x-amz-signedheaders"))) {
      return "signed headers are not just host";
    }
    StringBuilder canonicalQuery = new StringBuilder();
    query.forEach(
        (name, value) ->
            canonicalQuery
                .append(canonicalQuery.length() == 0 ? "" : "&")
                .append(encode(name))
                .append('=')
                .append(encode(value)));
    String signature = text(payload, "x-amz-signature");
    // SigV4 presigning hashes the empty body, or (some signers) says UNSIGNED-PAYLOAD
    for (String payloadHash : new String[] {sha256Hex(""), "UNSIGNED-PAYLOAD"}) {
      String canonicalRequest =
          "GET\n/\n"
              + canonicalQuery
              + "\nhost:"
              + text(payload, "host")
              + "\n\nhost\n"
              + payloadHash;
      String stringToSign =
          "AWS4-HMAC-SHA256\n"
              + date
              + "\n"
              + String.join("/", scope[1], scope[2], scope[3], scope[4])
              + "\n"
              + sha256Hex(canonicalRequest);
      byte[] key = hmac(("AWS4" + trustedSecret).getBytes(StandardCharsets.UTF_8), scope[1]);
      key = hmac(key, scope[2]);
      key = hmac(key, scope[3]);
      key = hmac(key, scope[4]);
      String expected = HexFormat.of().formatHex(hmac(key, stringToSign));
      if (MessageDigest.isEqual(
          expected.getBytes(StandardCharsets.US_ASCII),
          String.valueOf(signature).getBytes(StandardCharsets.US_ASCII))) {
        return null;
      }
    }
    return "signature does not match access key " + scope[0];
  }

  private static String text(JsonNode payload, String field) {
    JsonNode value = payload.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static String encode(String value) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        encoded.append(c);
      } else {
        encoded.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return encoded.toString();
  }

  private static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
