package io.lakeplan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An amount of bytes, written {@code 512MB}, {@code 1GB} (binary multiples: 1 KB = 1024 B). */
public final class DataSize implements Comparable<DataSize> {
  private static final Pattern TEXT = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB|TB)?");
  private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB"};

  private final long bytes;

  private DataSize(long bytes) {
    this.bytes = bytes;
  }

  /** A size of {@code bytes} bytes; must not be negative. */
  public static DataSize ofBytes(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException(
          "Invalid data size: " + bytes + " B (must not be negative)");
    }
    return new DataSize(bytes);
  }

  /** A size of {@code megabytes} MB. */
  public static DataSize ofMegabytes(long megabytes) {
    return ofBytes(Math.multiplyExact(megabytes, 1024L * 1024));
  }

  /** Parses {@code 512MB}, {@code 1 GB} or a plain number of bytes. */
  @JsonCreator
  public static DataSize parse(String text) {
    Matcher matcher = text == null ? null : TEXT.matcher(text.trim().toUpperCase(Locale.ROOT));
    if (matcher == null || !matcher.matches()) {
      throw new IllegalArgumentException(
          "Invalid data size: '" + text + "' (write e.g. 512MB, 1GB or 1048576)");
    }
    String unit = matcher.group(2) == null ? "B" : matcher.group(2);
    for (int power = 0; power < UNITS.length; power++) {
      if (UNITS[power].equals(unit)) {
        try {
          return ofBytes(Math.multiplyExact(Long.parseLong(matcher.group(1)), 1L << (10 * power)));
        } catch (ArithmeticException | NumberFormatException e) {
          throw new IllegalArgumentException(
              "Invalid data size: '"
                  + text
                  + "' (more than "
                  + Long.MAX_VALUE / (1L << (10 * power))
                  + " "
                  + unit
                  + "; write e.g. 512MB or 1GB)",
              e);
        }
      }
    }
    throw new IllegalStateException("unreachable unit " + unit);
  }

  /** The size in bytes. */
  public long bytes() {
    return bytes;
  }

  @JsonValue
  @Override
  public String toString() {
    int power = 0;
    long value = bytes;
    while (power < UNITS.length - 1 && value != 0 && value % 1024 == 0) {
      value /= 1024;
      power++;
    }
    return value + UNITS[power];
  }

  @Override
  public int compareTo(DataSize other) {
    return Long.compare(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DataSize that && bytes == that.bytes;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(bytes);
  }
}
