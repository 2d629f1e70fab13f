package io.lakeplan.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.lakeplan.model.UseCase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A short content hash of a use case: equal use cases have equal versions. */
final class SpecVersion {
  private SpecVersion() {}

  static String of(UseCase useCase) {
    try {
      byte[] json = Mappers.json().writeValueAsBytes(useCase);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
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
