package com.example.inc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetTest {

    @Test
    void oneLayer() {
        Net net = new Net(new Generator(1));

        assertEquals(List.of("fc1.weight", "fc1.bias"), List.copyOf(net.namedParameters().keySet()));
        assertArrayEquals(new int[] {3, 2}, net.forward(Tensor.zeros(3, 4)).shape());
    }
}
