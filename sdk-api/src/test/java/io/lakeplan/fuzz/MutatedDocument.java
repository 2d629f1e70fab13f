package io.lakeplan.fuzz;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One generated document: its bytes, the file name to write it under, and how it was made.
 *
 * @param index the document's index in its run; with the run's seed it reproduces the document
 * @param kind the mutation applied
 * @param origin the seed document it started from
 * @param mutation what was done, e.g. {@code truncated after line 3}
 * @param fileName a file name unique in the run, ending in {@code .yaml}
 * @param bytes the content (not always valid UTF-8)
 */
public record MutatedDocument(
    long index, MutationKind kind, String origin, String mutation, String fileName, byte[] bytes) {

  /** The content decoded as UTF-8, malformed bytes replaced (what a lenient reader would see). */
  public String text() {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalStateException("A replacing decoder cannot fail", e);
    }
  }

  /** One line for reports: index, kind, origin and mutation. */
  public String describe() {
    return "#" + index + " " + kind + " of " + origin + ": " + mutation;
  }
}
