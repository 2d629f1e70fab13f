package io.lakeplan.workspace;

import io.lakeplan.model.UseCase;

/**
 * A use case loaded from a file.
 *
 * @param file the file, relative to the loaded folder
 * @param useCase the use case
 * @param legacy whether the file was in the legacy format
 */
public record LoadedUseCase(String file, UseCase useCase, boolean legacy) {}
