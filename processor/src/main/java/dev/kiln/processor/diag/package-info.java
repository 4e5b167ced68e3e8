/**
 * The catalogue of every message the processor prints ({@link dev.kiln.processor.diag.Diagnostic},
 * tagged {@code [KLNnnn]}) and the reporter that attaches each to its element and annotation.
 */
package dev.kiln.processor.diag;
