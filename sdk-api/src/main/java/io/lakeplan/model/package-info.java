/**
 * The use-case model: immutable, typed values for the five phases (migration, ingestion,
 * processing, maintenance, orchestration) and the fluent builders that create them. Start at {@link
 * io.lakeplan.model.UseCase#named(String)}; check a use case with {@link
 * io.lakeplan.workspace.Validator}. The model is the bottom layer of the SDK: it depends on no
 * other Lakeplan package (the parsers of conditions and cron expressions are package-private here).
 */
@LakeplanStyle
package io.lakeplan.model;
