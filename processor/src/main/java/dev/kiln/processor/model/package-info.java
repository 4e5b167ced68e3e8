/**
 * Immutable descriptors (records) of a module class: its members, its superclass's structure and its
 * {@code @Forward} method, plus the type knowledge that builds them. The compiled-forward stage
 * adds the IR of the {@code @Forward} body here.
 */
package dev.kiln.processor.model;
