/**
 * Java code generation: writers turn a model into a JavaPoet {@code TypeSpec}, and
 * {@link dev.kiln.processor.codegen.java.SourceFiles} alone writes files (originating element,
 * {@code @Generated}, file comment).
 */
package dev.kiln.processor.codegen.java;
