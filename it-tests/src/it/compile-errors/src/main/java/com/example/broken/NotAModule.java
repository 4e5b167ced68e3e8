package com.example.broken;

import dev.kiln.annotations.Param;
import dev.kiln.tensor.Tensor;

/** Kiln annotations on a class that forgot to extend Module. */
public class NotAModule {
    @Param Tensor weight; // expect KLN201
}
