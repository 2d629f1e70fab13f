/**
 * Problems as data: every problem at once, each with a path, a stable code and a message that names
 * the fix ({@link io.lakeplan.validation.Problem}, {@link io.lakeplan.validation.ProblemCode}), and
 * the {@link io.lakeplan.validation.ValidationException} that carries them. Every package that
 * reads or checks something reports through these types, so this package depends on no other
 * Lakeplan package. The checks themselves start at {@link io.lakeplan.workspace.Validator}.
 */
package io.lakeplan.validation;
