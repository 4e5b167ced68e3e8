/**
 * Optimizers with PyTorch's update rules, defaults and state-dict layout ({@link dev.kiln.optim.SGD},
 * {@link dev.kiln.optim.Adam}, {@link dev.kiln.optim.AdamW}, {@link dev.kiln.optim.RMSprop},
 * {@link dev.kiln.optim.Adagrad}), parameter groups, and gradient clipping ({@link dev.kiln.optim.GradClip}).
 */
package dev.kiln.optim;
