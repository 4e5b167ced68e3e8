package com.example.inc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExtraTest {

    @Test
    void oneParameter() {
        assertEquals(List.of("scale"), List.copyOf(new Extra().namedParameters().keySet()));
    }
}
