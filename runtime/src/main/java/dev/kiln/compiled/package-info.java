/**
 * Run-time support for compiled modules: the generated {@code Foo_Compiled} classes implement
 * {@link dev.kiln.compiled.CompiledModule}, keep their saved values in a {@link dev.kiln.compiled.Frame},
 * and appear on the autograd tape as one node per call ({@link dev.kiln.compiled.Compiled#call}).
 */
package dev.kiln.compiled;
