package io.lakeplan.codec;

import io.lakeplan.model.UseCase;
import io.lakeplan.validation.Problem;
import java.util.List;

/**
 * One use-case file as read: the use case (null when the file could not be read or bound), whether
 * it was in the legacy format, and the problems found while reading (located by file, line and
 * column). Validation rules are not applied here; see {@link io.lakeplan.workspace.Workspace}.
 *
 * @param file the file name used in locations
 * @param useCase the use case, or null
 * @param legacy whether the file was in the legacy format
 * @param problems reading problems, located
 * @param readable the use case as far as it could be read (values of the wrong shape left empty),
 *     so that the rest of the file can be checked too; equal to {@code useCase} when reading found
 *     no problem, null when nothing could be read
 */
public record Document(
    String file, UseCase useCase, boolean legacy, List<Problem> problems, UseCase readable) {
  public Document {
    problems = List.copyOf(problems);
  }

  /** A document whose readable part is {@code useCase} itself. */
  public Document(String file, UseCase useCase, boolean legacy, List<Problem> problems) {
    this(file, useCase, legacy, problems, useCase);
  }
}
