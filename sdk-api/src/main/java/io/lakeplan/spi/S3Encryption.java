package io.lakeplan.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule that keeps S3 encryption Lakeplan's own: every object Lakeplan writes on AWS is SSE-KMS
 * with the environment's {@code kms-key}, so no environment or use case may set an S3 encryption
 * setting of its own (Iceberg's {@code s3.sse.*}, S3A's {@code fs.s3a.encryption.*} and {@code
 * fs.s3a.server-side-encryption*}, EMRFS's {@code fs.s3.enableServerSideEncryption}, {@code
 * fs.s3.serverSideEncryption.*} and {@code fs.s3.cse.*}, with or without a {@code spark.hadoop.},
 * {@code hadoop.} or catalog prefix): such a setting could only turn encryption off, weaken it or
 * use another key. Validation reports each one, naming the key and the fix.
 */
public final class S3Encryption {
  private static final Pattern CONF =
      Pattern.compile("(?:^|\\s)(?:--conf|-c)(?:\\s+|=)(['\"]?)([^=\\s'\"]+)=");

  /** The fix every problem names. */
  public static final String FIX =
      "Lakeplan writes every S3 object SSE-KMS with the environment's kms-key itself: remove the"
          + " setting (to use another key, set kms-key)";

  private S3Encryption() {}

  /**
   * Whether {@code key} (an Iceberg catalog property, a Hadoop or Spark configuration key) is an S3
   * encryption setting: it names S3 and server-side or client-side encryption.
   */
  public static boolean isEncryptionSetting(String key) {
    if (key == null) {
      return false;
    }
    String lower = key.toLowerCase(Locale.ROOT);
    return lower.contains("s3")
        && (lower.contains("sse") || lower.contains("encryption") || lower.contains(".cse."));
  }

  /** The keys of {@code properties} that are S3 encryption settings, in their order. */
  public static List<String> encryptionSettings(Map<String, String> properties) {
    List<String> keys = new ArrayList<>();
    properties.keySet().stream().filter(S3Encryption::isEncryptionSetting).forEach(keys::add);
    return keys;
  }

  /**
   * The configuration keys set by {@code --conf KEY=VALUE} in {@code sparkSubmitParameters} that
   * are S3 encryption settings, in their order; empty for null.
   */
  public static List<String> encryptionSettings(String sparkSubmitParameters) {
    List<String> keys = new ArrayList<>();
    if (sparkSubmitParameters == null) {
      return keys;
    }
    Matcher conf = CONF.matcher(sparkSubmitParameters);
    while (conf.find()) {
      if (isEncryptionSetting(conf.group(2))) {
        keys.add(conf.group(2));
      }
    }
    return keys;
  }

  /**
   * The problem of the encryption setting {@code key} in {@code where} (e.g. {@code
   * catalog.properties}): {@code where: key configures S3 encryption (FIX)}.
   */
  public static String problem(String where, String key) {
    return where + ": " + key + " configures S3 encryption (" + FIX + ")";
  }
}
