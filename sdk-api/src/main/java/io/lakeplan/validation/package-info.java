/**
 * Validation: every problem at once, each with a path, a stable code and a message that names the
 * fix. Start at {@link io.lakeplan.validation.Validator}.
 */
package io.lakeplan.validation;
