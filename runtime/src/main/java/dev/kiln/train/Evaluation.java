package dev.kiln.train;

/** The result of evaluating a model on a data set: mean loss per example, accuracy, and the example count. */
public record Evaluation(double loss, double accuracy, int examples) {}
