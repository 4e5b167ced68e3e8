/**
 * Learning-rate schedulers as closed forms of the epoch: step, multi-step, exponential, cosine,
 * cosine with warm restarts, linear warm-up, function-defined, and their chained and sequential compositions.
 */
package dev.kiln.optim.lr;
