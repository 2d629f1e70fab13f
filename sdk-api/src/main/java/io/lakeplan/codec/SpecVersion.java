package io.lakeplan.codec;

import io.lakeplan.model.UseCase;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A short content hash of a use case: equal use cases have equal versions. */
final class SpecVersion {
  private SpecVersion() {}

  static String of(UseCase useCase) {
    try {
      // the JSON goes straight into the digest: the same bytes, without buffering them
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      Mappers.json()
          .writeValue(new DigestOutputStream(OutputStream.nullOutputStream(), digest), useCase);
      return HexFormat.of().formatHex(digest.digest(), 0, 6);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot hash use case " + useCase.name(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot hash use case " + useCase.name(), e);
    }
  }

  static String ofText(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
