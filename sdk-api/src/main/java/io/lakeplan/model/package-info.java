/**
 * The use-case model: immutable, typed values for the five phases (migration, ingestion,
 * processing, maintenance, orchestration) and the fluent builders that create them. Start at {@link
 * io.lakeplan.model.UseCase#named(String)}.
 */
@LakeplanStyle
package io.lakeplan.model;
