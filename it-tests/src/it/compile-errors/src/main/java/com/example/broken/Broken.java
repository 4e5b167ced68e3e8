package com.example.broken;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;

/** One of each field mistake and a private forward: every one is reported in the same build. */
public class Broken extends Module {
    @Param private Tensor weight; // expect KLN101
    @Param static Tensor shared; // expect KLN102
    @Param int size; // expect KLN104
    @Layer Tensor notALayer; // expect KLN105

    @Forward private Tensor forward(Tensor x) { // expect KLN302
        return x;
    }
}
