/** Seeded parameter initializers with {@code torch.nn.init}'s semantics, gains and fan computations. */
package dev.kiln.nn.init;
