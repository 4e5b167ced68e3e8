/**
 * Processing steps: each takes the classes that carry one family of annotations in a round, defers
 * those whose types do not resolve yet, and drives validation, modelling and writing per class.
 */
package dev.kiln.processor.step;
